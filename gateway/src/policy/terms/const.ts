/** `true` / `false`: a constant, e.g. a policy group that allows everyone (`true`). */
import { truth, type TermDefinition } from './term.ts';

export const constTerm: TermDefinition<'const'> = {
  keywords: ['true', 'false'],
  parse: (_cursor, keyword) => ({ kind: 'const', value: keyword.value.toLowerCase() === 'true' }),
  print: (term) => String(term.value),
  evaluate: (term) => truth(term.value),
};
