/**
 * The open-API protobuf schema (reconstructed from wx-server-sdk@4.0.2, docs/reference/cloudbase-wire-protocol.md §10.2),
 * compiled once with protobufjs from inline text so no .proto file has to be located at runtime.
 */
import * as protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
message KeyValuePair { string key = 1; bytes value = 2; string contenttype = 3; string filename = 4; }
message OpenApiData { repeated KeyValuePair pairs = 1; }
message TokenApiData { string resourceAppid = 1; string resourceEnv = 2; }
message InnerApiData { uint32 modid = 1; uint32 cmdid = 2; string url = 3; bool useHttps = 4; int32 method = 5; repeated string headers = 6; bytes body = 7; }
message SvrkitApiData { string apiName = 1; bytes reqData = 2; }
message CommApiData {
  enum ApiType { OPEN_API = 0; INNER_API = 1; SVRKIT_API = 2; TOKEN_API = 3; }
  ApiType apiType = 1; OpenApiData openapiData = 2; InnerApiData innerData = 3;
  SvrkitApiData svrkitData = 4; TokenApiData tokenData = 5; string appid = 6;
}
message HttpHeader { string key = 1; string value = 2; }
message CommOpenApiResp { bytes respData = 1; string contentType = 2; int32 errorCode = 3; uint32 httpCode = 4; repeated HttpHeader headers = 5; int32 svrkitErrorCode = 6; }
message ApiOptions { string appid = 1; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
export const CommApiData = root.lookupType('CommApiData');
export const CommOpenApiResp = root.lookupType('CommOpenApiResp');
export const ApiOptions = root.lookupType('ApiOptions');

export interface DecodedOpenApiCall {
  apiType: number;
  appid: string;
  /** camelCase key → JSON-decoded value (media params as Buffer) */
  params: Record<string, unknown>;
}

const toCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function decodeCommApiData(bytes: Buffer): DecodedOpenApiCall {
  const msg = CommApiData.toObject(CommApiData.decode(bytes), { defaults: true, enums: Number }) as any;
  const params: Record<string, unknown> = {};
  for (const pair of msg.openapiData?.pairs ?? []) {
    const raw = Buffer.from(pair.value ?? []);
    let v: unknown = raw;
    if (!pair.contenttype) {
      try {
        v = JSON.parse(raw.toString('utf8'));
      } catch {
        v = raw.toString('utf8');
      }
    }
    params[toCamel(pair.key)] = v;
  }
  return { apiType: msg.apiType ?? 0, appid: msg.appid ?? '', params };
}

export function encodeResp(r: { respData?: Buffer; contentType?: string; errorCode?: number; httpCode?: number }): Buffer {
  return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create({ httpCode: 200, ...r })).finish());
}

export function decodeApiOptions(bytes: Buffer | undefined): { appid: string } {
  if (!bytes || bytes.length === 0) return { appid: '' };
  try {
    return ApiOptions.toObject(ApiOptions.decode(bytes), { defaults: true }) as { appid: string };
  } catch {
    return { appid: '' };
  }
}
