/**
 * What the phone can do. On iPhone and iPad, Web Push reaches only web apps added to the
 * Home Screen (iOS 16.4+), so Safari outside standalone mode gets the steps to add it.
 */
export function isIos() {
  const ua = navigator.userAgent;
  // iPadOS reports itself as a Mac; a touch screen tells them apart.
  return /iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
}

export function isStandalone() {
  return (
    navigator.standalone === true || globalThis.matchMedia?.('(display-mode: standalone)').matches
  );
}

export function needsHomeScreen() {
  return isIos() && !isStandalone();
}
