import {
  toBinary,
  type DescEnum,
  type DescExtension,
  type DescFile,
  type DescMessage,
  type DescService,
} from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { v1, v1alpha } from '@yeet/contract/reflection';
import { reflectionPolicies } from './policies.ts';
import { secured, type SecuredService } from './router.ts';

/** A reflection request, as v1 and v1alpha both shape it. */
type Ask =
  | { case: 'fileByFilename' | 'fileContainingSymbol' | 'allExtensionNumbersOfType' | 'listServices'; value: string }
  | { case: 'fileContainingExtension'; value: { containingType: string; extensionNumber: number } }
  | { case: undefined; value?: undefined };

/** Its answer, as v1 and v1alpha both shape it. */
type Answer =
  | { case: 'fileDescriptorResponse'; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: 'allExtensionNumbersResponse'; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: 'listServicesResponse'; value: { service: Array<{ name: string }> } }
  | { case: 'errorResponse'; value: { errorCode: number; errorMessage: string } };

/**
 * What reflection knows: the services, every file that declares them and every file those
 * import (google/protobuf/*), indexed by file name and by each fully-qualified name a client
 * may ask about (services, methods, messages, fields, oneofs, enums, enum values, extensions).
 */
class Descriptors {
  readonly services: string[];
  readonly files = new Map<string, DescFile>();
  readonly symbols = new Map<string, DescFile>();
  readonly extensions: DescExtension[] = [];

  constructor(services: readonly DescService[]) {
    this.services = services.map((s) => s.typeName);
    for (const service of services) this.#addFile(service.file);
  }

  #addFile(file: DescFile): void {
    const name = file.proto.name;
    if (this.files.has(name)) return;
    this.files.set(name, file);
    for (const dependency of file.dependencies) this.#addFile(dependency);
    for (const service of file.services) {
      this.symbols.set(service.typeName, file);
      for (const method of service.methods) this.symbols.set(`${service.typeName}.${method.name}`, file);
    }
    for (const message of file.messages) this.#addMessage(message, file);
    for (const e of file.enums) this.#addEnum(e, file);
    for (const extension of file.extensions) this.#addExtension(extension, file);
  }

  #addMessage(message: DescMessage, file: DescFile): void {
    this.symbols.set(message.typeName, file);
    for (const field of message.fields) this.symbols.set(`${message.typeName}.${field.name}`, file);
    for (const oneof of message.oneofs) this.symbols.set(`${message.typeName}.${oneof.name}`, file);
    for (const nested of message.nestedMessages) this.#addMessage(nested, file);
    for (const e of message.nestedEnums) this.#addEnum(e, file);
    for (const extension of message.nestedExtensions) this.#addExtension(extension, file);
  }

  #addEnum(e: DescEnum, file: DescFile): void {
    this.symbols.set(e.typeName, file);
    // Enum values are scoped like their enum's siblings (yeet.v1.DIFFICULTY_EASY).
    const scope = e.typeName.slice(0, e.typeName.lastIndexOf('.') + 1);
    for (const value of e.values) this.symbols.set(`${scope}${value.name}`, file);
  }

  #addExtension(extension: DescExtension, file: DescFile): void {
    this.symbols.set(extension.typeName, file);
    this.extensions.push(extension);
  }
}

/**
 * One ServerReflectionInfo stream. A file is sent with the files it imports, leaving out
 * those this stream has sent already (as grpc-go and grpc-java do): a client resolves a
 * service's whole tree in a few round trips without receiving google/protobuf/* each time.
 */
class ReflectionSession {
  readonly #sent = new Set<string>();
  readonly known: Descriptors;
  constructor(known: Descriptors) {
    this.known = known;
  }

  answer(ask: Ask): Answer {
    switch (ask.case) {
      case 'listServices':
        return { case: 'listServicesResponse', value: { service: this.known.services.map((name) => ({ name })) } };
      case 'fileByFilename':
        return this.#files(this.known.files.get(ask.value), `There is no file "${ask.value}" here.`);
      case 'fileContainingSymbol': {
        const symbol = ask.value.replace(/^\./, '');
        return this.#files(this.known.symbols.get(symbol), `There is no symbol "${symbol}" here.`);
      }
      case 'fileContainingExtension': {
        const { containingType, extensionNumber } = ask.value;
        const extension = this.known.extensions.find(
          (e) => e.extendee.typeName === containingType && e.number === extensionNumber,
        );
        return this.#files(extension?.file, `There is no extension ${extensionNumber} of "${containingType}" here.`);
      }
      case 'allExtensionNumbersOfType': {
        if (!this.known.symbols.has(ask.value)) return notFound(`There is no type "${ask.value}" here.`);
        const numbers = this.known.extensions.filter((e) => e.extendee.typeName === ask.value).map((e) => e.number);
        return { case: 'allExtensionNumbersResponse', value: { baseTypeName: ask.value, extensionNumber: numbers } };
      }
      default:
        return {
          case: 'errorResponse',
          value: {
            errorCode: Code.InvalidArgument,
            errorMessage: 'The request asks nothing: set one of its message_request fields.',
          },
        };
    }
  }

  #files(file: DescFile | undefined, missing: string): Answer {
    if (!file) return notFound(missing);
    const files: Uint8Array[] = [];
    const add = (f: DescFile, requested: boolean) => {
      // The file asked for is always sent, even when this stream sent it before.
      if (!requested && this.#sent.has(f.proto.name)) return;
      this.#sent.add(f.proto.name);
      files.push(toBinary(FileDescriptorProtoSchema, f.proto));
      for (const dependency of f.dependencies) add(dependency, false);
    };
    add(file, true);
    return { case: 'fileDescriptorResponse', value: { fileDescriptorProto: files } };
  }
}

const notFound = (errorMessage: string): Answer => ({
  case: 'errorResponse',
  value: { errorCode: Code.NotFound, errorMessage },
});

/**
 * gRPC server reflection (v1, and v1alpha for older grpcurl and grpc_cli) over `services`
 * and itself, so that grpcurl, buf curl and Postman list and call the API without our
 * proto files. The descriptors are the generated code's own (no proto files at run time).
 */
export function reflectionServices(services: readonly SecuredService[]): SecuredService[] {
  const known = new Descriptors([...services.map((s) => s.service), v1.ServerReflection, v1alpha.ServerReflection]);
  return [
    secured(
      v1.ServerReflection,
      {
        async *serverReflectionInfo(requests) {
          const session = new ReflectionSession(known);
          for await (const request of requests) {
            yield { validHost: request.host, originalRequest: request, messageResponse: session.answer(request.messageRequest) };
          }
        },
      },
      reflectionPolicies,
    ),
    secured(
      v1alpha.ServerReflection,
      {
        async *serverReflectionInfo(requests) {
          const session = new ReflectionSession(known);
          for await (const request of requests) {
            yield { validHost: request.host, originalRequest: request, messageResponse: session.answer(request.messageRequest) };
          }
        },
      },
      reflectionPolicies,
    ),
  ];
}
