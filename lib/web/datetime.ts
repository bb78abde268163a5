/** An ISO instant as the value of an <input type="datetime-local"> read as UTC. */
export function toUtcInput(iso: string | null): string {
  return iso ? iso.replace(/Z$/, "").replace(/\.000$/, "") : "";
}

/** An <input type="datetime-local"> value, read as UTC, back to ISO; null when empty or invalid. */
export function fromUtcInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(`${value}${value.length === 16 ? ":00" : ""}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
