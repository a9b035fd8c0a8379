import { inflateRawSync } from 'node:zlib';

/** One file of a zip archive. */
export interface ZipEntry {
  readonly name: string;
  /** Unix mode bits, when the archive was made on Unix. */
  readonly mode?: number;
  /** The uncompressed content. */
  read(): Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Lists the files of a zip archive held in memory (stored or deflated
 * entries, no zip64, no encryption: what release archives use).
 */
export function readZip(data: Buffer): ZipEntry[] {
  // the end-of-central-directory record is in the last 64 KiB + 22 bytes
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(offset) !== CENTRAL_SIGNATURE) throw new Error('corrupt zip archive (central directory)');
    const madeBy = data.readUInt16LE(offset + 4) >> 8; // eslint-disable-line no-bitwise
    const method = data.readUInt16LE(offset + 10);
    const compressedSize = data.readUInt32LE(offset + 20);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const externalAttributes = data.readUInt32LE(offset + 38);
    const localOffset = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    entries.push({
      name,
      mode: madeBy === 3 ? externalAttributes >>> 16 : undefined, // eslint-disable-line no-bitwise
      read: () => {
        if (data.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) throw new Error(`corrupt zip archive (local header of ${name})`);
        const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
        const raw = data.subarray(start, start + compressedSize);
        const content = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : undefined;
        if (!content) throw new Error(`zip entry ${name} uses compression method ${method}; only stored and deflate are supported`);
        if (content.length !== size) throw new Error(`zip entry ${name} is ${content.length} bytes, expected ${size}`);
        return content;
      },
    });
  }
  return entries;
}
