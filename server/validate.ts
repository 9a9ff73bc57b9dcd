/**
 * A small schema validator for cloud-function events. Events arrive from clients we do not control,
 * so every field is checked for type, range and size before anything touches the database, and only
 * the fields a schema names are copied out: an unknown or operator-shaped key (`{"$gt": ""}`) can never
 * reach a query or a write.
 *
 * Pure (no I/O), so tests can run thousands of events through it directly.
 */
import { ID_PATTERN } from '../miniprogram/domain/ids';

export interface Issue {
  path: string;
  /** For developers, in English. */
  problem: string;
  /** What to tell the shopper, when the rule that refused the field has its own words. */
  message?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export interface Schema<T> {
  /** Pushes issues and returns the cleaned value (undefined when invalid). */
  check(value: unknown, path: string, issues: Issue[]): T | undefined;
  readonly optional?: boolean;
}

export function parse<T>(schema: Schema<T>, value: unknown): Parsed<T> {
  const issues: Issue[] = [];
  const out = schema.check(value, '', issues);
  if (issues.length > 0 || out === undefined) {
    return { ok: false, issues: issues.length > 0 ? issues : [{ path: '', problem: 'is invalid' }] };
  }
  return { ok: true, value: out };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 20 ? `text of ${value.length} characters` : `the text ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

export interface StringOptions {
  min?: number;
  max: number;
  pattern?: RegExp;
  /** Shown instead of the raw pattern. */
  patternHint?: string;
  trim?: boolean;
}

export function str(options: StringOptions): Schema<string> {
  const min = options.min ?? 1;
  return {
    check(value, path, issues) {
      if (typeof value !== 'string') {
        issues.push({ path, problem: `must be text, got ${describe(value)}` });
        return undefined;
      }
      const text = options.trim === false ? value : value.trim();
      if (text.length < min) {
        issues.push({ path, problem: min === 1 ? 'must not be empty' : `must be at least ${min} characters` });
        return undefined;
      }
      if (text.length > options.max) {
        issues.push({ path, problem: `must be at most ${options.max} characters` });
        return undefined;
      }
      if (options.pattern && !options.pattern.test(text)) {
        issues.push({ path, problem: `must be ${options.patternHint ?? `like ${options.pattern}`}` });
        return undefined;
      }
      return text;
    },
  };
}

export function int(min: number, max: number): Schema<number> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        issues.push({ path, problem: `must be a whole number, got ${describe(value)}` });
        return undefined;
      }
      if (value < min || value > max) {
        issues.push({ path, problem: `must be from ${min} to ${max}, got ${value}` });
        return undefined;
      }
      return value;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  return {
    check(value, path, issues) {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
        issues.push({ path, problem: `must be one of ${values.join(', ')}, got ${describe(value)}` });
        return undefined;
      }
      return value as T;
    },
  };
}

export type OptionalSchema<T> = Schema<T> & { readonly optional: true };

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return {
    optional: true,
    check(value, path, issues) {
      // null is how some clients spell "not given"; it never reaches a write as null.
      if (value === undefined || value === null) return undefined;
      return schema.check(value, path, issues);
    },
  };
}

export function arrayOf<T>(item: Schema<T>, min: number, max: number): Schema<T[]> {
  return {
    check(value, path, issues) {
      if (!Array.isArray(value)) {
        issues.push({ path, problem: `must be a list, got ${describe(value)}` });
        return undefined;
      }
      if (value.length < min || value.length > max) {
        issues.push({ path, problem: `must have ${min} to ${max} items, got ${value.length}` });
        return undefined;
      }
      const out: T[] = [];
      const before = issues.length;
      // An index loop, not forEach: forEach skips the holes of a sparse array, which would let them through.
      for (let i = 0; i < value.length; i += 1) {
        const cleaned = item.check(value[i], `${path}[${i}]`, issues);
        if (cleaned === undefined) {
          if (issues.length === before) issues.push({ path: `${path}[${i}]`, problem: 'is missing' });
        } else out.push(cleaned);
      }
      return issues.length === before ? out : undefined;
    },
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

type Shape = Record<string, Schema<unknown>>;
type Inner<X> = X extends Schema<infer T> ? T : never;
type Out<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: Inner<S[K]> } & {
  [K in keyof S as S[K] extends { optional: true } ? K : never]?: Inner<S[K]>;
};

/**
 * An object with exactly the named fields copied out. Unknown fields are ignored, not copied, unless
 * `strict` (then they are an error): top-level events carry platform fields such as `userInfo`.
 */
export function obj<S extends Shape>(shape: S, options: { strict?: boolean } = {}): Schema<Out<S>> {
  return {
    check(value, path, issues) {
      if (!isPlainObject(value)) {
        issues.push({ path, problem: `must be an object, got ${describe(value)}` });
        return undefined;
      }
      const before = issues.length;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(shape)) {
        const schema = shape[key];
        const raw = Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
        if ((raw === undefined || raw === null) && !schema.optional) {
          issues.push({ path: at(path, key), problem: 'is required' });
          continue;
        }
        const cleaned = schema.check(raw, at(path, key), issues);
        if (cleaned !== undefined) out[key] = cleaned;
      }
      if (options.strict) {
        for (const key of Object.keys(value)) {
          if (!Object.prototype.hasOwnProperty.call(shape, key)) issues.push({ path: at(path, key), problem: 'is not a known field' });
        }
      }
      return issues.length === before ? (out as Out<S>) : undefined;
    },
  };
}

/** A string→string map with bounded keys and values (e.g. a page query). */
export function stringMap(options: { maxKeys: number; key: Schema<string>; value: Schema<string> }): Schema<Record<string, string>> {
  return {
    check(value, path, issues) {
      if (!isPlainObject(value)) {
        issues.push({ path, problem: `must be an object, got ${describe(value)}` });
        return undefined;
      }
      const keys = Object.keys(value);
      if (keys.length > options.maxKeys) {
        issues.push({ path, problem: `must have at most ${options.maxKeys} entries` });
        return undefined;
      }
      const before = issues.length;
      const out: Record<string, string> = {};
      for (const key of keys) {
        const k = options.key.check(key, `${path}{key}`, issues);
        const v = options.value.check(value[key], at(path, key), issues);
        if (k !== undefined && v !== undefined) out[k] = v;
      }
      return issues.length === before ? out : undefined;
    },
  };
}

/** Ids we hand out or accept: short, URL- and query-safe, never an operator object (the domain's rule). */
export { ID_PATTERN };
export const id = (): Schema<string> => str({ max: 64, pattern: ID_PATTERN, patternHint: 'an id (letters, digits, _ or -)', trim: false });

/** An empty request: any fields present are ignored, but the event itself must be an object. */
export const empty = obj({});
