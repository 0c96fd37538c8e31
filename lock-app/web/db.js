/**
 * The app's IndexedDB: the enrolled device (its non-extractable ECDSA key pair as CryptoKeys,
 * which IndexedDB stores without ever exposing the private key), the OTP accounts (each a
 * non-extractable HMAC CryptoKey) and small settings the service worker also reads.
 *
 * One database per tenant, so two tenants' Lock apps on one phone never share a key.
 */
const VERSION = 1;
const STORES = ['device', 'otp', 'settings'];

function dbName() {
  const slug = /^\/t\/([^/]+)\//.exec(globalThis.location.pathname)?.[1] ?? 'default';
  return `sekisho-lock-${slug}`;
}

let opening;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName(), VERSION);
    req.onupgradeneeded = () => {
      for (const name of STORES)
        if (!req.result.objectStoreNames.contains(name))
          req.result.createObjectStore(name, name === 'otp' ? { keyPath: 'id' } : undefined);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

function done(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(store, mode, fn) {
  const db = await open();
  const transaction = db.transaction(store, mode);
  const completed = new Promise((resolve, reject) => {
    transaction.oncomplete = resolve;
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
  const result = await done(fn(transaction.objectStore(store)));
  await completed;
  return result;
}

export const getValue = (store, key) => tx(store, 'readonly', (s) => s.get(key));
export const putValue = (store, key, value) =>
  tx(store, 'readwrite', (s) => (key === undefined ? s.put(value) : s.put(value, key)));
export const deleteValue = (store, key) => tx(store, 'readwrite', (s) => s.delete(key));
export const allValues = (store) => tx(store, 'readonly', (s) => s.getAll());
