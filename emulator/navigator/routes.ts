/**
 * The API routes, under `<base>/v2` and `<base>` (no version = v2): listing (GET and POST),
 * one object, create, step action, check and dictionary. Paths, names and the choices made
 * where the docs are silent: paths.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { makeId } from '../prng';
import { checkStep, runCreate, runStep, type WriteResult } from './actions';
import type { ClassDef } from './classes';
import { badRequest, notFound } from './envelope';
import { apiCall, type HandlerResult } from './gate';
import { parseListBody, parseListQuery, type ListRequest } from './list-request';
import { runListing } from './listing';
import type { Navigator } from './navigator';
import {
  ACTION_SEGMENT,
  API_VERSION,
  CHECK_SEGMENT,
  DICTIONARY_SEGMENT,
  MESSAGES,
  OBJECT_SEGMENT,
} from './paths';
import type { ClassStore } from './store';
import { formatGuid, formatValue } from './values';

type Params = Record<string, string | undefined>;
type Query = Record<string, string | string[] | undefined>;

const params = (req: FastifyRequest): Params => req.params as Params;

function classStore(nav: Navigator, name: string): ClassStore {
  if (/^v\d+$/i.test(name)) throw notFound(MESSAGES.versionNotFound(name));
  const store = nav.store.byName(name);
  if (!store) throw notFound(MESSAGES.classNotFound(name));
  return store;
}

function list(nav: Navigator, name: string, request: () => ListRequest): HandlerResult {
  const store = classStore(nav, name);
  return { responseObject: runListing(store, request(), nav.listSettings) };
}

function object(nav: Navigator, key: string): HandlerResult {
  const found = nav.store.findObject(key);
  if (!found) throw notFound(MESSAGES.objectNotFound(key));
  const Items = found.store.def.fields.map((f) => ({
    name: f.name,
    caption: f.caption,
    value: formatValue(f, found.record[f.name], nav.zone),
  }));
  return { responseObject: { Items } };
}

function written(kind: 'create' | 'action', w: WriteResult): HandlerResult {
  return { responseObject: w.answer, write: { kind, className: w.className } };
}

function dictionary(nav: Navigator, className: string, fieldName: string): HandlerResult {
  const def: ClassDef = classStore(nav, className).def;
  const field = def.field(fieldName);
  if (!field) throw badRequest(MESSAGES.fieldNotFound(fieldName));
  if (!field.dictionary) throw badRequest(MESSAGES.notClassification(field.name));
  const salt = 0x4400 + nav.classes.all.indexOf(def) * 16 + def.fields.indexOf(field);
  const Data = field.dictionary.map((v, i) => [formatGuid(makeId(nav.opts.seed, salt, i)), v]);
  const Fields = [
    { Name: 'ID', DataType: 'guid', Caption: 'ID' },
    { Name: 'Name', DataType: 'string', Caption: 'Name' },
  ];
  return { responseObject: { Fields, Data } };
}

function registerUnder(app: FastifyInstance, nav: Navigator, prefix: string): void {
  const obj = `${prefix}/${OBJECT_SEGMENT}/:key`;
  const action = `${obj}/${ACTION_SEGMENT}/:actionId`;
  app.post(prefix, (req, reply) =>
    apiCall(nav, 'create', req, reply, () => written('create', runCreate(nav.actionContext, req.body))),
  );
  app.get(obj, (req, reply) => apiCall(nav, 'object', req, reply, () => object(nav, params(req).key ?? '')));
  app.post(action, (req, reply) => {
    const p = params(req);
    return apiCall(nav, 'action', req, reply, () =>
      written('action', runStep(nav.actionContext, p.key ?? '', p.actionId ?? '', req.body)),
    );
  });
  app.get(`${action}/${CHECK_SEGMENT}`, (req, reply) => {
    const p = params(req);
    return apiCall(nav, 'check', req, reply, () => ({
      responseObject: { Result: checkStep(nav.actionContext, p.key ?? '', p.actionId ?? '') },
    }));
  });
  app.get(`${prefix}/:className/${DICTIONARY_SEGMENT}/:field`, (req, reply) => {
    const p = params(req);
    return apiCall(nav, 'dictionary', req, reply, () => dictionary(nav, p.className ?? '', p.field ?? ''));
  });
  app.get(`${prefix}/:className`, (req, reply) =>
    apiCall(nav, 'list', req, reply, () =>
      list(nav, params(req).className ?? '', () => parseListQuery(req.query as Query)),
    ),
  );
  app.post(`${prefix}/:className`, (req, reply) =>
    apiCall(nav, 'list', req, reply, () =>
      list(nav, params(req).className ?? '', () => parseListBody(req.body)),
    ),
  );
}

/** Registers every API route of the Navigator under its base path, with and without `v2`. */
export function registerApiRoutes(app: FastifyInstance, nav: Navigator): void {
  registerUnder(app, nav, `${nav.opts.basePath}/${API_VERSION}`);
  registerUnder(app, nav, nav.opts.basePath);
}
