// The server's highlights rendered as text and <mark> elements, never as HTML: the text
// comes from pages anyone may have written.
import type { ComponentChildren } from "preact";

export interface Marked {
  text: string;
  marks: ReadonlyArray<{ start: number; end: number }>;
}

/** `text` with the ranges (UTF-16 offsets, as the API gives them) marked. */
export function Highlight({ text, marks }: Marked) {
  const parts: ComponentChildren[] = [];
  let at = 0;
  const sorted = [...marks].sort((a, b) => a.start - b.start);
  for (const { start, end } of sorted) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** Marks every occurrence of the names in `text`, case-insensitively, longest first. */
export function markNames(text: string, names: readonly string[]): Marked {
  const marks: { start: number; end: number }[] = [];
  const lower = text.toLowerCase();
  const wanted = [...new Set(names.filter((n) => n.trim().length > 1))].sort(
    (a, b) => b.length - a.length,
  );
  for (const name of wanted) {
    const needle = name.toLowerCase();
    let from = 0;
    for (;;) {
      const start = lower.indexOf(needle, from);
      if (start < 0) break;
      const end = start + needle.length;
      if (!marks.some((m) => start < m.end && end > m.start)) marks.push({ start, end });
      from = end;
    }
  }
  return { text, marks };
}
