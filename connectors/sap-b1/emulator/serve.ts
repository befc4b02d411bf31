/**
 * Serving one parsed request: dispatch (Login, $metadata, session check, Logout, $batch, entity
 * sets), an injected fault before or around processing, the answer in the version's dialect, and
 * the `committed` event once what it wrote is stored.
 */
import type { ServerResponse } from 'node:http';
import { sendText } from '../../../engine/emulator-kit/http-io.js';
import { inDoubtFault, serveInDoubt } from '../../../engine/emulator-kit/in-doubt.js';
import type { Exchange } from '../../../engine/emulator-kit/traffic.js';
import { handleBatch } from './batch.js';
import type { EmulatorCore, EmulatorRequest, Reply } from './core.js';
import { SERVED_ENTITY_SETS } from './edm/model.js';
import { handleServiceRequest } from './functions.js';
import { ServiceLayerFault, faults as slFaults } from './errors.js';
import { IN_DOUBT_DEFAULTS, type Fault } from './faults.js';
import { PROXY_ERROR_HTML, parseJsonObject, sendJson } from './http-io.js';
import { metadataDocument } from './metadata-doc.js';
import { login, logout, requireSession, sessionCookie } from './session-handlers.js';

async function route(core: EmulatorCore, req: EmulatorRequest, rawBody: string): Promise<Reply> {
  if (req.path === 'Login') {
    if (req.method !== 'POST') throw slFaults.notSupported();
    return login(core, req);
  }
  if (req.path === '$metadata') {
    return { status: 200, text: { contentType: 'application/xml', body: metadataDocument(req.dialect.version) } };
  }
  const session = requireSession(core, req);
  if (req.path === 'Logout') return logout(core, session);
  if (req.path === '$batch') {
    if (req.method !== 'POST') throw slFaults.notSupported();
    return handleBatch(core, req, rawBody);
  }
  if (req.path === '') {
    const value = SERVED_ENTITY_SETS.map((name) => ({ name, kind: 'EntitySet', url: name }));
    return {
      status: 200,
      json: req.dialect.version === 'v2' ? { '@odata.context': `${req.base}/b1s/v2/$metadata`, value } : { value },
    };
  }
  return handleServiceRequest(core, req);
}

function faultReply(req: EmulatorRequest, f: ServiceLayerFault): Reply {
  return { status: f.httpStatus, json: req.dialect.errorBody(f) };
}

/** Processes the request: what it writes is committed (and told) before the reply is returned. */
async function execute(core: EmulatorCore, req: EmulatorRequest, rawBody: string): Promise<Reply> {
  try {
    req.body = req.path === '$batch' ? {} : parseJsonObject(rawBody);
    const reply = await route(core, req, rawBody);
    req.journal.commit(core.events, req.requestId);
    return reply;
  } catch (err) {
    if (err instanceof ServiceLayerFault) return faultReply(req, err);
    return faultReply(req, new ServiceLayerFault(500, -1, `Internal emulator error: ${(err as Error).message}`));
  }
}

function write(res: ServerResponse, req: EmulatorRequest, reply: Reply): void {
  if (reply.json !== undefined) {
    sendJson(res, reply.status, req.dialect, reply.json, reply.headers as Record<string, string>);
  } else if (reply.text) {
    sendText(res, reply.status, reply.text.contentType, reply.text.body, reply.headers);
  } else {
    res.writeHead(reply.status, reply.headers);
    res.end();
  }
}

/**
 * Serves the request under `fault` (if any); resolves when it is processed and answered (or
 * dropped). Returns the status processing produced (what the request log records), 0 when the
 * request was not processed and got no answer.
 */
export async function serve(
  core: EmulatorCore,
  exchange: Exchange,
  res: ServerResponse,
  req: EmulatorRequest,
  rawBody: string,
  fault: Fault | undefined,
): Promise<number> {
  let status = 0;
  const answer = (reply: Reply): void => {
    status ||= reply.status;
    exchange.answer(reply.status, () => write(res, req, reply));
  };
  const processed = async (): Promise<Reply> => {
    const reply = await execute(core, req, rawBody);
    status = reply.status;
    return reply;
  };
  const doubt = fault && inDoubtFault(fault.spec, fault.gate, IN_DOUBT_DEFAULTS);
  if (doubt) {
    await serveInDoubt(doubt, {
      exchange,
      clock: core.clock,
      process: processed,
      answer,
      answerGatewayTimeout: (a) => exchange.answer(a.status, () => sendText(res, a.status, a.contentType, a.body)),
    });
    return status;
  }
  const spec = fault?.spec;
  switch (spec?.kind) {
    case 'drop':
      exchange.drop();
      return 0;
    case '500':
      answer({ status: 500 });
      return status;
    case '502-html':
      answer({ status: 502, text: { contentType: 'text/html; charset=iso-8859-1', body: PROXY_ERROR_HTML } });
      return status;
    case 'error':
      answer(
        faultReply(req, new ServiceLayerFault(spec.status ?? 500, spec.code ?? -1, spec.message ?? 'Injected error')),
      );
      return status;
    case 'expire-session': {
      const id = sessionCookie(req);
      if (id !== undefined) core.sessions.remove(id);
      break;
    }
    default:
      break;
  }
  answer(await processed());
  return status;
}
