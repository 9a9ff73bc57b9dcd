import type { Simulator } from '../simulator';
import type { PageInstance } from '../runtime/page';
import type { ExNode } from '../render/framework';

export type Params = Record<string, unknown>;
export type Handler = (params: Params, ctx: ProtocolContext) => unknown;

/** Error whose message is sent verbatim as the protocol error (DevTools' exact strings). */
export class ProtocolError extends Error {}

export interface LayoutService {
  screenshot(): Promise<string>;
  domProperties(page: PageInstance, node: ExNode, names: string[]): Promise<unknown[]>;
  offset(page: PageInstance, node: ExNode): Promise<{ left: number; top: number }>;
  styles(page: PageInstance, node: ExNode, names: string[]): Promise<string[]>;
  windowProperties(page: PageInstance, names: string[]): Promise<unknown[]>;
  close(): Promise<void>;
}

export interface ProtocolContext {
  sim: Simulator;
  emit(method: string, params: Params): void;
  logEnabled: boolean;
  layout(): Promise<LayoutService>;
  shutdown(): void;
}

export function findPage(ctx: ProtocolContext, pageId: unknown): PageInstance {
  const id = Number(pageId);
  const page = ctx.sim.app.router.stack.find((p) => p.webviewId === id) ?? ctx.sim.app.router.alivePages().find((p) => p.webviewId === id);
  if (!page || !page.alive) throw new ProtocolError('page destroyed');
  return page;
}
