// Chart.js, registered with only the pieces the insights draw (so the rest is left out of the
// bundle). The canvas is an image to assistive technology; every chart's numbers are also in
// the table beside it.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { useEffect, useRef } from "preact/hooks";

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
Chart.defaults.color = "#1f2937";
Chart.defaults.maintainAspectRatio = false;

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

export const COLORS = {
  primary: "#1d4ed8",
  teal: "#0f766e",
  amber: "#b45309",
  grey: "#9ca3af",
  light: "#93c5fd",
  violet: "#6d28d9",
};

export function ChartView({ type, data, options = {}, label, tall = false }) {
  const canvas = useRef(null);
  const key = JSON.stringify({ type, data });
  useEffect(() => {
    const chart = new Chart(canvas.current, {
      type,
      data,
      options: { animation: reducedMotion ? false : { duration: 250 }, ...options },
    });
    return () => chart.destroy();
  }, [key]);
  return (
    <div class={tall ? "chart tall" : "chart"}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
