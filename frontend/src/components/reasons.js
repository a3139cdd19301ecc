// Why a notification was sent, in words: "Matches your skill Python and your search “data engineer”".

export function reasonText(reasons = []) {
  const parts = (reasons || []).map((reason) => {
    if (reason.type === "skill") return `your skill ${reason.skill}`;
    if (reason.type === "search") return `your search “${reason.keywords}”`;
    return "your alerts";
  });
  if (!parts.length) return "Matches your alerts";
  const last = parts.pop();
  return `Matches ${parts.length ? `${parts.join(", ")} and ${last}` : last}`;
}
