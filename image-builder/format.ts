/**
 * Wire constants of the Azure Sphere `.imagepackage` format (spec/imagepackage.md §1–§3).
 * Every magic number, section ID, flag bit and size lives here; test/image-builder/format.test.ts
 * locks each value.
 */

/** §1: the signature trailer. */
export const SIGNATURE_SIZE_P256 = 64;
export const SIGNATURE_SIZE_P384 = 96;

/** §2.1: metadata block framing. */
export const METADATA_MAGIC = 0x4d345834; // "4X4M" read little-endian
export const METADATA_HEADER_SIZE = 8; // magic + section count
export const METADATA_TRAILER_SIZE = 4; // total-length field
export const SECTION_HEADER_SIZE = 4; // u16 id + u16 data length
/** Upper bound used by the parser; real packages carry 4–6 sections. */
export const MAX_SECTIONS = 64;

/** §2.2: section IDs as u16 (two ASCII characters in file order). */
export const SECTION = {
  None: 0x0000,
  Identity: 0x4449, // ID
  Signature: 0x4753, // SG
  Debug: 0x4244, // DB
  TemporaryImage: 0x5054, // TP
  ABIDepends: 0x444e, // ND
  ABIProvides: 0x504e, // NP
  Compression: 0x4d43, // CM
  Revocation: 0x5652, // RV
  RequiredFlashOffset: 0x4f52, // RO
  ImagePolicy: 0x5049, // IP
  Legacy: 0x474c, // LG
  LegacyABIDepends: 0x4441, // AD
  LegacyABIProvides: 0x5041, // AP
} as const;
export type SectionName = keyof typeof SECTION;

/** Fixed data sizes of the sections we decode (§2.3–§2.10). */
export const SECTION_SIZE = {
  Identity: 36,
  Signature: 24,
  Debug: 40,
  TemporaryImage: 4,
  Compression: 8,
  Revocation: 4,
  RequiredFlashOffset: 4,
  ImagePolicy: 4,
} as const;

/** §2.3: image types. */
export const IMAGE_TYPE: Readonly<Record<number, string>> = {
  0: 'Invalid',
  1: 'OneBL',
  2: 'PlutonRuntime',
  3: 'WifiFirmware',
  4: 'SecurityMonitor',
  5: 'NormalWorldLoader',
  6: 'NormalWorldDTB',
  7: 'NormalWorldKernel',
  8: 'RootFs',
  9: 'Services',
  10: 'Applications',
  13: 'FirmwareConfig',
  16: 'BootManifest',
  17: 'NormalWorldFileSystem',
  19: 'TrustedKeystore',
  20: 'Policy',
  21: 'CustomerBoardConfig',
  22: 'UpdateCertStore',
  23: 'BaseSystemUpdateManifest',
  24: 'FirmwareUpdateManifest',
  25: 'CustomerUpdateManifest',
  26: 'RecoveryManifest',
  27: 'ManifestSet',
  28: 'Other',
};
export const IMAGE_TYPE_APPLICATIONS = 10;
export const IMAGE_TYPE_BOARD_CONFIG = 21;

/** §2.4: signing types. */
export const SIGNING_TYPE: Readonly<Record<number, string>> = { 0: 'Invalid', 1: 'ECDsa256', 2: 'ECDsa384' };
export const SIGNING_TYPE_ECDSA256 = 1;
export const THUMBPRINT_SIZE = 20;

/** §2.6: debug name field. */
export const DEBUG_NAME_SIZE = 32;
export const DEBUG_NAME_MAX_BYTES = 31;

/** §2.7: TemporaryImage flags. */
export const TEMPORARY_FLAG = { RemoveAtBoot: 0x1, UnderDevelopment: 0x2 } as const;

/** §2.8: ABI types. */
export const ABI_TYPE: Readonly<Record<number, string>> = {
  0: 'None',
  1: 'SecureWorldRuntime',
  2: 'OSRuntime',
  3: 'ApplicationRuntime',
};
export const ABI_TYPE_APPLICATION_RUNTIME = 3;
/** ApplicationRuntime versions (API sets) released Azure Sphere OS versions serve: `image pack` refuses others. */
export const APPLICATION_RUNTIME_KNOWN = { oldest: 1, newest: 16 } as const;
export const ABI_ENTRY_SIZE = 8;

/** §2.9: compression types. */
export const COMPRESSION_TYPE: Readonly<Record<number, string>> = { 0: 'Invalid', 1: 'LZMA' };
export const COMPRESSION_LZMA = 1;

/** §2.10: ImagePolicy flags. */
export const IMAGE_POLICY_FLAG = { InvalidateFromNormalWorld: 0x1, SideloadFromNormalWorld: 0x2 } as const;

/** §3.1: ASXipFS superblock. */
export const ASXIPFS_MAGIC = 0x28cd3d45;
export const ASXIPFS_SUPERBLOCK_SIZE = 76;
export const ASXIPFS_ROOT_INODE_OFFSET = 0x40;
export const ASXIPFS_FLAGS = { FSID_VERSION_2: 0x1, SORTED_DIRS: 0x2, HOLES: 0x100, WRONG_SIGNATURE: 0x200, SHIFTED_ROOT_OFFSET: 0x400, EXT_BLOCK_POINTERS: 0x800 } as const;
/** Flags every SDK-built payload carries. */
export const ASXIPFS_DEFAULT_FLAGS = 0x3;
/** Any flag outside this mask makes the kernel refuse the mount. */
export const ASXIPFS_SUPPORTED_FLAGS = 0xff | 0x200 | 0x400 | 0x800;
export const ASXIPFS_SIGNATURE = 'Compressed ROMFS';
export const ASXIPFS_NAME = 'Compressed';
export const ASXIPFS_OFFSETS = { magic: 0x00, size: 0x04, flags: 0x08, future: 0x0c, signature: 0x10, crc: 0x20, edition: 0x24, blocks: 0x28, files: 0x2c, name: 0x30, root: 0x40 } as const;
export const ASXIPFS_PAGE_SIZE = 4096;

/** §3.2: inode layout (12 bytes, three u32 words) and the limits its bit widths imply. */
export const INODE_SIZE = 12;
export const INODE_MAX_FILE_SIZE = (1 << 24) - 1; // 24-bit size field
export const INODE_MAX_NAME_BYTES = 252; // 6-bit namelen × 4
export const INODE_MAX_OFFSET = (1 << 28) - 1; // 26-bit offset field × 4
export const INODE_MAX_UID = 0xffff;
export const INODE_MAX_GID = 0xff;

/** §3.3: modes written by the SDK. */
export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_ISVTX = 0o001000;
export const MODE_DIR = 0o040755;
export const MODE_FILE = 0o101644;
export const MODE_EXECUTABLE = 0o101755;
