// Filled in by the blob-store work; see the README of this package.
export {};
