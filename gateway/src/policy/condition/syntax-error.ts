/**
 * The one error a condition's text can raise. It says where (0-based `position`, 1-based
 * `line` and `column`, counted in UTF-16 code units as String indices are), what the parser
 * `expected` there and what it `found`, so the admin UI can underline the spot.
 *
 * - `code` is stable (`ERR_POLICY_CONDITION`); callers switch on it, never on the message.
 * - `found` is the offending text; '' when there is none (at the end of the input, or an
 *   empty part such as the end of `2026-04-01..`).
 */

export class ConditionSyntaxError extends Error {
  readonly code = 'ERR_POLICY_CONDITION' as const;
  /** Client error: the admin's text is wrong. Mirrors `SekishoError#status`. */
  readonly status = 400;
  readonly expose = true;
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly expected: string;
  readonly found: string;

  /**
   * @example
   * new ConditionSyntaxError('ip in offce', 6, 'the identifier of a known IP set', 'offce')
   * // message: "at 1:7: expected the identifier of a known IP set, found 'offce'"
   */
  constructor(text: string, position: number, expected: string, found: string) {
    const { line, column } = lineAndColumn(text, position);
    const atEnd = position >= text.length;
    super(`at ${line}:${column}: expected ${expected}, found ${describe(found, atEnd)}`);
    this.name = 'ConditionSyntaxError';
    this.position = position;
    this.line = line;
    this.column = column;
    this.expected = expected;
    this.found = found;
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

const SHOWN = 40;

function describe(found: string, atEnd: boolean): string {
  if (found === '') return atEnd ? 'end of input' : 'nothing';
  const shown = found.length > SHOWN ? `${found.slice(0, SHOWN)}…` : found;
  return `'${shown}'`;
}
