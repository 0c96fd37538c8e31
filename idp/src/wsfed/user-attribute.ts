/**
 * Where a claim's value comes from: a field of the user record or one of the tenant's custom
 * user attributes (`attr:<name>`), named as the SAML module names them. Parsed when an application is saved, so a typo is refused
 * then rather than producing an empty claim at sign-in.
 */
import type { FieldProblem, User } from '@sekisho/platform';

export type AttributeSource = 'email' | 'loginId' | 'userId' | 'displayName' | `attr:${string}`;

const FIELDS = ['email', 'loginId', 'userId', 'displayName'] as const;
// The custom-attribute name rule of platform's checkUserInput.
const ATTR_RE = /^attr:[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;

export function isAttributeSource(value: unknown): value is AttributeSource {
  return (
    typeof value === 'string' &&
    ((FIELDS as readonly string[]).includes(value) || ATTR_RE.test(value))
  );
}

/** Checks an optional source field of a raw config, pushing a problem naming it. */
export function parseAttributeSource(
  raw: unknown,
  field: string,
  fallback: AttributeSource,
  problems: FieldProblem[],
): AttributeSource {
  if (raw === undefined) return fallback;
  if (isAttributeSource(raw)) return raw;
  problems.push({
    field,
    message: `must be one of ${FIELDS.join(', ')} or attr:<custom attribute name>`,
  });
  return fallback;
}

/** The user's value for `source`, or undefined when it is missing or empty. */
export function userAttribute(user: User, source: AttributeSource): string | undefined {
  const value = source.startsWith('attr:')
    ? user.attributes[source.slice(5)]
    : source === 'userId'
      ? user.id
      : user[source as Exclude<(typeof FIELDS)[number], 'userId'>];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
