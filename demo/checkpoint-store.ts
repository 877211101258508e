// Where the demo's checkpoints go: a download (a Blob behind an `<a download>` link), an uploaded
// file, or this browser's IndexedDB (one Uint8Array under one key). The bytes are the .safetensors
// file from `model.save()`, unchanged.

export const CHECKPOINT_FILE = 'webgpu-train-mnist.safetensors';

/** Offers `bytes` as a file download named `name`. */
export function downloadBytes(bytes: Uint8Array, name: string): void {
  // A copy: `save()` is typed Uint8Array<ArrayBufferLike>, which TypeScript's BlobPart refuses (it
  // could be a SharedArrayBuffer view); the copy has a plain ArrayBuffer.
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; the URL is only needed briefly.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export async function readFileBytes(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

const DB_NAME = 'webgpu-train-demo';
const STORE = 'checkpoints';
const KEY = 'mnist';

/** Runs one request on the checkpoint store; resolves with its result once the transaction commits. */
function withStore<T>(mode: IDBTransactionMode, request: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser has no IndexedDB (private browsing may disable it)'));
      return;
    }
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onerror = () => reject(open.error ?? new Error('could not open IndexedDB'));
    open.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this page; close it and try again'));
    open.onsuccess = () => {
      const db = open.result;
      try {
        const tx = db.transaction(STORE, mode);
        const req = request(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onabort = tx.onerror = () => {
          db.close();
          reject(tx.error ?? req.error ?? new Error('the IndexedDB transaction failed'));
        };
      } catch (e) {
        db.close();
        reject(e);
      }
    };
  });
}

/** Keeps `bytes` in this browser's IndexedDB, replacing the previous checkpoint. */
export async function storeCheckpoint(bytes: Uint8Array): Promise<void> {
  await withStore('readwrite', (s) => s.put(bytes, KEY));
}

/** The checkpoint kept by storeCheckpoint, or null when there is none. */
export async function restoreCheckpoint(): Promise<Uint8Array | null> {
  const value: unknown = await withStore('readonly', (s) => s.get(KEY));
  return value instanceof Uint8Array ? value : null;
}
