import { mkdir, writeFile, access } from 'node:fs/promises';
import path from 'node:path';

/**
 * Keeps raw page bodies as evidence, content-addressed by sha256 under
 * `<root>/<first two hex>/<sha256>.<ext>`: identical pages are stored once,
 * and the path alone proves which bytes were seen.
 *
 * @example
 * const files = new EvidenceFiles('/data/evidence');
 * const bodyPath = await files.save(page.sha256, page.body, 'json');
 */
export class EvidenceFiles {
  readonly #root: string;

  constructor(root: string) {
    this.#root = root;
  }

  /** Writes the content unless already there; returns its path. */
  async save(sha256: string, content: string | Uint8Array, extension: string): Promise<string> {
    const file = path.join(this.#root, sha256.slice(0, 2), `${sha256}.${extension}`);
    if (await exists(file)) return file;
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return file;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
