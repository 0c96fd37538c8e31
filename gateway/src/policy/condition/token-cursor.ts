/**
 * Reads a condition's tokens one at a time, on demand, for the parser and the term parsers,
 * and raises `ConditionSyntaxError` at the right position when what comes next is not what
 * is expected. Keywords compare case-insensitively.
 */
import { ConditionSyntaxError } from './syntax-error.ts';
import { readToken, type Token } from './tokenize.ts';

export interface ParseOptions {
  /** Identifiers of the tenant's IP sets; when given, `ip in <id>` must name one of them. */
  knownIpSets?: ReadonlySet<string> | undefined;
}

export class TokenCursor {
  readonly text: string;
  readonly options: ParseOptions;
  #current: Token;

  constructor(text: string, options: ParseOptions = {}) {
    this.text = text;
    this.options = options;
    this.#current = readToken(text, 0);
  }

  peek(): Token {
    return this.#current;
  }

  /** Returns the next token and moves past it. */
  next(): Token {
    const token = this.#current;
    if (token.type !== 'end') this.#current = readToken(this.text, token.end);
    return token;
  }

  /** Whether the next token is the keyword `word` (case-insensitive). */
  atKeyword(word: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.value.toLowerCase() === word;
  }

  /** Whether the next token is this punctuation. */
  atPunct(punct: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.value === punct;
  }

  /** Whether the next token ends the current term: `and`, `or`, `)`, `,`, `]` or the end. */
  atTermEnd(): boolean {
    const token = this.peek();
    if (token.type === 'end') return true;
    if (token.type === 'punct') return [')', ']', ','].includes(token.value);
    return this.atKeyword('and') || this.atKeyword('or');
  }

  expectPunct(punct: string, expected = `'${punct}'`): Token {
    if (!this.atPunct(punct)) this.fail(expected);
    return this.next();
  }

  expectKeyword(word: string, expected = `'${word}'`): Token {
    if (!this.atKeyword(word)) this.fail(expected);
    return this.next();
  }

  expectWord(expected: string): Token {
    if (this.peek().type !== 'word') this.fail(expected);
    return this.next();
  }

  expectString(expected: string): Token {
    if (this.peek().type !== 'string') this.fail(expected);
    return this.next();
  }

  /** Throws: `expected` was wanted where the next token (or `token`) is. */
  fail(expected: string, token: Token = this.peek()): never {
    throw new ConditionSyntaxError(this.text, token.start, expected, token.text);
  }

  /** Throws at a position inside a token, e.g. the end address of a range. */
  failAt(position: number, expected: string, found: string): never {
    throw new ConditionSyntaxError(this.text, position, expected, found);
  }
}
