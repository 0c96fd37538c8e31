/**
 * The one script of the factor pages, served as a file (`script-src 'self'`; the pages have
 * no inline script):
 * - `#lock-wait`: listens to the approval's server-sent events; on `approved` it submits the
 *   completion form (with its CSRF token), on `denied`/`expired` it reloads the page, which
 *   then says why. Without EventSource it polls the status as JSON.
 * - `#lock-device`: polls whether the Lock device has appeared, then goes on.
 * Without script the pages still work through their links and buttons.
 */
export const WAIT_SCRIPT = `'use strict';
(() => {
  const wait = document.getElementById('lock-wait');
  if (wait) {
    const form = document.getElementById('lock-complete');
    let done = false;
    let source;
    const settle = (state) => {
      if (done || state === 'pending') return;
      done = true;
      if (source) source.close();
      if (state === 'approved' && form) form.submit();
      else window.location.reload();
    };
    if (typeof EventSource === 'function') {
      source = new EventSource(wait.dataset.events);
      for (const name of ['approved', 'denied', 'expired', 'consumed']) {
        source.addEventListener(name, () => settle(name));
      }
      source.addEventListener('error', () => {
        if (source.readyState === EventSource.CLOSED) settle('closed');
      });
    } else {
      const poll = () =>
        fetch(wait.dataset.status, { headers: { accept: 'application/json' } })
          .then((r) => r.json())
          .then((b) => {
            settle(b.state);
            if (!done) setTimeout(poll, 2000);
          })
          .catch(() => setTimeout(poll, 5000));
      poll();
    }
  }
  const device = document.getElementById('lock-device');
  if (device) {
    const poll = () =>
      fetch(device.dataset.device, { headers: { accept: 'application/json' } })
        .then((r) => r.json())
        .then((b) => {
          if (b.enrolled) window.location.assign(device.dataset.next);
          else setTimeout(poll, 3000);
        })
        .catch(() => setTimeout(poll, 5000));
    setTimeout(poll, 3000);
  }
})();
`;
