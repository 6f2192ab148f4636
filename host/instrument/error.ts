/** A module remora cannot instrument: the message names what and where. Apart from the passes, so
 *  that code that only reports it (../modules.ts) does not load binaryen. */
export class InstrumentError extends Error {}
