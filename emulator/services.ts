/**
 * The emulated services, in start order (a service may use those registered before it; they
 * close in reverse order). Adding an emulated API = its folder, its test and one line here.
 */
import type { ServiceFactory } from './registry';
import { clockEmulator } from './clock/emulated';
import { databaseEmulator } from './database/emulated';
import { functionsEmulator } from './functions/emulated';
import { storageEmulator } from './storage/emulated';
import { openapiEmulator } from './openapi/emulated';
import { payEmulator } from './pay/emulated';
import { realtimeEmulator } from './realtime/emulated';

export const SERVICES: ServiceFactory[] = [clockEmulator, databaseEmulator, functionsEmulator, storageEmulator, openapiEmulator, payEmulator, realtimeEmulator];
