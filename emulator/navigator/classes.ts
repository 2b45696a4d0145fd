/**
 * The object classes as served: each class's URL name (from the options), its fields with
 * their types, captions and dictionaries (from paths.ts), looked up case-insensitively.
 */
import type { ResolvedOptions } from './options';
import {
  CAPTIONS,
  CLASS_KINDS,
  DICTIONARIES,
  FIELDS,
  INDEXED_FIELDS,
  OID_PREFIXES,
  READ_ONLY_FIELDS,
  REFERENCES,
  SEARCH_FIELDS,
  type ClassKind,
  type FieldType,
} from './paths';

export interface FieldDef {
  name: string;
  type: FieldType;
  caption: string;
  /** The answer's DataType: guid, string or datetime. */
  dataType: 'guid' | 'string' | 'datetime';
  readOnly: boolean;
  indexed: boolean;
  dictionary?: readonly string[];
  refersTo?: readonly ClassKind[];
  /** Holds a GUID (the key, or a reference to a class without OIDs): answered braced, matched unbraced. */
  guidValued: boolean;
}

export interface ClassDef {
  kind: ClassKind;
  urlName: string;
  fields: FieldDef[];
  oidPrefix: string | undefined;
  searchFields: FieldDef[];
  field(name: string): FieldDef | undefined;
}

function fieldDef(kind: ClassKind, name: string, type: FieldType): FieldDef {
  const dataType = type === 'guid' ? 'guid' : type === 'date' ? 'datetime' : 'string';
  return {
    name,
    type,
    caption: CAPTIONS[name] ?? name.replace(/_/g, ' '),
    dataType,
    readOnly: READ_ONLY_FIELDS.includes(name),
    indexed: INDEXED_FIELDS.includes(name),
    dictionary: DICTIONARIES[kind]?.[name],
    refersTo: type === 'reference' ? REFERENCES[name] : undefined,
    guidValued: type === 'guid' || (type === 'reference' && !REFERENCES[name]?.some((k) => OID_PREFIXES[k])),
  };
}

function classDef(kind: ClassKind, urlName: string): ClassDef {
  const fields = Object.entries(FIELDS[kind]).map(([name, type]) => fieldDef(kind, name, type));
  const byLower = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  return {
    kind,
    urlName,
    fields,
    oidPrefix: OID_PREFIXES[kind],
    searchFields: fields.filter((f) => SEARCH_FIELDS.includes(f.name)),
    field: (name) => byLower.get(name.trim().toLowerCase()),
  };
}

/** The classes this emulator serves (SoftwareInstallations only when switched on). */
export class ClassRegistry {
  readonly all: ClassDef[];
  private readonly byUrl = new Map<string, ClassDef>();
  private readonly byKind = new Map<ClassKind, ClassDef>();

  constructor(opts: ResolvedOptions) {
    const kinds = CLASS_KINDS.filter((k) => k !== 'softwareInstallation' || opts.softwareInstallations);
    this.all = kinds.map((k) => classDef(k, opts.classes[k]));
    for (const c of this.all) {
      const key = c.urlName.toLowerCase();
      if (this.byUrl.has(key))
        throw new Error(`invalid navigator emulator options: class name ${c.urlName} used twice`);
      this.byUrl.set(key, c);
      this.byKind.set(c.kind, c);
    }
  }

  /** By URL name, case-insensitively. */
  byName(name: string): ClassDef | undefined {
    return this.byUrl.get(name.toLowerCase());
  }

  kind(kind: ClassKind): ClassDef | undefined {
    return this.byKind.get(kind);
  }
}
