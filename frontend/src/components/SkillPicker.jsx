// A type-ahead for skill names (the ARIA combobox pattern): arrows move through the
// suggestions, Enter picks one (or the skill the typed spelling names), Escape closes.
import { useEffect, useState } from "preact/hooks";
import { canonical, loadSkills, suggest } from "../skills.js";
import { number } from "../format.js";

/** `allowNew`: a name the taxonomy does not know is picked as typed (subscribing to it starts
 * tracking it); otherwise only known skills can be picked. */
export function SkillPicker({ id, label, exclude = [], onPick, placeholder = "e.g. Python", allowNew = false }) {
  const [skills, setSkills] = useState([]);
  const [problem, setProblem] = useState("");
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  // Fetched when the field is first used, not with the page: most visits never need it.
  const [asked, setAsked] = useState(false);
  useEffect(() => {
    if (asked) loadSkills().then(setSkills, (error) => setProblem(`Skill suggestions are unavailable: ${error.message}`));
  }, [asked]);

  const options = open ? suggest(skills, text, exclude) : [];
  const expanded = open && options.length > 0;

  const pick = (name) => {
    onPick(name);
    setText("");
    setOpen(false);
    setActive(-1);
    setProblem("");
  };

  const keyDown = async (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, Math.max(options.length - 1, 0)));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (expanded && active >= 0 && options[active]) return pick(options[active].name);
      if (!text.trim()) return;
      // Typed faster than the list arrived: wait for it rather than refuse a real skill.
      const known = skills.length ? skills : await loadSkills().catch(() => []);
      const name = canonical(known, text) || (options.length === 1 ? options[0].name : null);
      if (name && !exclude.includes(name)) pick(name);
      else if (name) setProblem(`${name} is already chosen.`);
      else if (allowNew) pick(text.trim());
      else setProblem(`No skill called “${text.trim()}” is known. Choose one from the list.`);
    } else if (event.key === "Escape") {
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <div class="combo">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded ? "true" : "false"}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && active >= 0 ? `${id}-option-${active}` : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        placeholder={placeholder}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setOpen(true);
          setActive(-1);
          setProblem("");
        }}
        onKeyDown={keyDown}
        onFocus={() => {
          setAsked(true);
          setOpen(true);
        }}
        onBlur={() => setOpen(false)}
      />
      <ul id={`${id}-list`} role="listbox" aria-label={`${label}: suggestions`} class="combo-list" hidden={!expanded}>
        {options.map((option, index) => (
          <li
            id={`${id}-option-${index}`}
            key={option.name}
            role="option"
            aria-selected={index === active ? "true" : "false"}
            class={index === active ? "active" : ""}
            // mousedown, not click: the input keeps focus, so the list is still open when it lands
            onMouseDown={(event) => {
              event.preventDefault();
              pick(option.name);
            }}
          >
            <span>{option.name}</span>
            <span class="muted">{option.jobs ? `${number(option.jobs)} jobs` : ""}</span>
          </li>
        ))}
      </ul>
      {problem && (
        <p id={`${id}-problem`} class="field-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
