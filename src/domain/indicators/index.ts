/** Indicators (CONTRACT.md section 11): names and their math, shared by browser and server. */
export * from './compute';
export * from './names';
