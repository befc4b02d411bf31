/**
 * `$error()` in a transform may say why, in the classes attention entries are sorted by: a message
 * starting with `[class]` or `[class CODE]` — `$error("[config] no G/L account for " & type)`,
 * `$error("[data GL_MAPPING_MISSING] …")` — sets the entry's reason class (and code); the tag is
 * not part of the message. Without a tag the entry is `data` with code TRANSFORM_FAILED.
 */
import { REASON_CLASSES, type ReasonClass } from '../error-codes.js';

const TAG = /^\s*\[([a-z]+)(?:\s+([A-Z][A-Z0-9_]{1,62}))?\]\s*/;

export interface ErrorTag {
  reasonClass?: ReasonClass;
  code?: string;
  message: string;
}

export function parseErrorTag(message: string): ErrorTag {
  const m = TAG.exec(message);
  if (!m || !(REASON_CLASSES as readonly string[]).includes(m[1]!)) return { message };
  return {
    reasonClass: m[1] as ReasonClass,
    ...(m[2] !== undefined && { code: m[2] }),
    message: message.slice(m[0].length) || message,
  };
}
