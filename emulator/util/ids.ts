import { randomBytes } from 'node:crypto';

/** 32 lowercase hex characters: what real CloudBase document ids look like. */
export const newDocId = (): string => randomBytes(16).toString('hex');
/** Opaque request ids (16 hex), echoed in every envelope. */
export const newRequestId = (): string => randomBytes(8).toString('hex');
