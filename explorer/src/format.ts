// Dates and numbers as people read them; unknown stays unknown.
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** `2000-02-26` as `26 February 2000`. */
export function longDate(date: string | null | undefined): string {
  if (!date) return "unknown";
  const [y, m, d] = date.split("-").map(Number);
  if (!y || !m || !d) return date;
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

export const known = (value: number | string | null | undefined): string =>
  value === null || value === undefined || value === "" ? "unknown" : String(value);

export const yesNo = (value: boolean | null | undefined): string =>
  value === null || value === undefined ? "unknown" : value ? "yes" : "no";

export function plural(n: number, one: string, many = `${one}s`): string {
  const words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
  return `${words[n] ?? n} ${n === 1 ? one : many}`;
}

/** A news item's title, or the start of its text when the page gave none. */
export function titleOf(item: { title?: string | null; body?: string | null }): string {
  if (item.title) return item.title;
  const text = (item.body ?? "").replace(/\s+/g, " ").trim();
  if (!text) return "(untitled)";
  return text.length > 90 ? `${text.slice(0, 90).replace(/\s\S*$/, "")}…` : text;
}

/** `COLLABORATION_FIELD` as `collaboration field`. */
export const humane = (code: string) => code.toLowerCase().replace(/_/g, " ");
