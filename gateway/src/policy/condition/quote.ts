/** Prints a string literal of the condition language: `"..."` with `\"` and `\\` escaped. */
export function quote(value: string): string {
  let out = '"';
  for (const c of value) out += c === '"' || c === '\\' ? `\\${c}` : c;
  return `${out}"`;
}
