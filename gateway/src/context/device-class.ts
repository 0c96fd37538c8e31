/**
 * PC browser or mobile browser, for policies and the audit log: a coarse class from the
 * User-Agent and the `Sec-CH-UA-Mobile` client hint, never a security boundary (both are
 * the client's own claims; device certificates are the proof).
 *
 * - Mobile: the hint `?1`, or a UA naming a phone or tablet platform (iPhone, iPad, iPod,
 *   Android, Windows Phone, BlackBerry, Kindle/Silk, Opera Mini, or the `Mobile` token).
 * - PC: everything else, including an empty UA and iPadOS in its default "desktop" mode,
 *   which sends a Macintosh UA and cannot be told apart without client-side script.
 */
export type DeviceClass = 'pc' | 'mobile';

const MOBILE_UA =
  /\b(?:iPhone|iPad|iPod|Android|Windows Phone|IEMobile|BlackBerry|BB10|Kindle|Silk|Opera Mini|Mobile)\b/i;

/**
 * @example classifyDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) ...') // 'mobile'
 */
export function classifyDevice(userAgent: string, mobileHint?: string): DeviceClass {
  if (mobileHint?.trim() === '?1') return 'mobile';
  return MOBILE_UA.test(userAgent) ? 'mobile' : 'pc';
}
