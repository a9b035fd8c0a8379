/** ELF e_machine values of the two Lambda architectures. */
export const ELF_X86_64 = 0x3e;
export const ELF_AARCH64 = 0xb7;

/**
 * The first bytes of a little-endian ELF64 file for a machine: enough for the
 * native-architecture check, not a program that runs.
 */
export function elfHeader(machine: number, size = 64): Buffer {
  const header = Buffer.alloc(Math.max(64, size));
  header.writeUInt32BE(0x7f454c46, 0); // \x7fELF
  header[4] = 2; // 64-bit
  header[5] = 1; // little endian
  header[6] = 1; // version
  header.writeUInt16LE(3, 16); // ET_DYN
  header.writeUInt16LE(machine, 18);
  return header;
}
