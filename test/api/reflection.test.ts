import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { v1, v1alpha } from '@yeet/contract/reflection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/** gRPC server reflection: tools list and call the API knowing nothing but its address (every call here is anonymous: reflection is public). */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Reflected Ratatouille' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
});
afterAll(() => t?.stop());

const run = promisify(execFile);
/** The buf CLI of @bufbuild/buf (a devDependency), as `npx buf` runs it. */
const bufCurl = (...args: string[]) => run('npx', ['buf', 'curl', ...args], { timeout: 60_000 });

const ourServices = [
  'yeet.v1.AuditService',
  'yeet.v1.CollectionService',
  'yeet.v1.ImageService',
  'yeet.v1.MealPlanService',
  'yeet.v1.RecipeService',
  'yeet.v1.SearchService',
  'yeet.v1.ShoppingListService',
  'yeet.v1.TelemetryService',
  'yeet.v1.UserService',
];

describe('buf curl, with no proto files', () => {
  it('lists the services and methods (reflection v1, over h2c)', async () => {
    const services = await bufCurl('--http2-prior-knowledge', '--list-services', t.baseUrl);
    const listed = services.stdout.trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining([...ourServices, 'grpc.reflection.v1.ServerReflection']));
    const methods = await bufCurl('--http2-prior-knowledge', '--list-methods', t.baseUrl);
    expect(methods.stdout).toContain('yeet.v1.RecipeService/ListRecipes');
    expect(methods.stdout).toContain('yeet.v1.SearchService/SearchRecipes');
  }, 60_000);

  it('calls a method over gRPC, its request and response described by reflection', async () => {
    const { stdout } = await bufCurl(
      '--protocol',
      'grpc',
      '--http2-prior-knowledge',
      '--data',
      '{"pageSize": 5}',
      `${t.baseUrl}/yeet.v1.RecipeService/ListRecipes`,
    );
    const body = JSON.parse(stdout) as { recipes: Array<{ title: string; status: string }> };
    expect(body.recipes).toEqual([
      expect.objectContaining({ title: 'Reflected Ratatouille', status: 'RECIPE_STATUS_PUBLISHED' }),
    ]);
  }, 60_000);

  it('speaks v1alpha, for older tools', async () => {
    const { stdout } = await bufCurl(
      '--http2-prior-knowledge',
      '--reflect-protocol',
      'grpc-v1alpha',
      '--list-methods',
      t.baseUrl,
    );
    expect(stdout).toContain('yeet.v1.UserService/GetMe');
  }, 60_000);
});

describe('a Connect client of the reflection service', () => {
  const ask = async (
    service: typeof v1.ServerReflection,
    requests: Array<v1.ServerReflectionRequest['messageRequest']>,
    transport = createConnectTransport({ baseUrl: `${t.baseUrl}/api`, httpVersion: '2' }),
  ) => {
    const answers: v1.ServerReflectionResponse[] = [];
    const stream = createClient(service, transport).serverReflectionInfo(
      (async function* () {
        for (const messageRequest of requests) yield { host: 'example', messageRequest };
      })(),
    );
    for await (const answer of stream) answers.push(answer);
    return answers;
  };
  const fileNames = (answer: v1.ServerReflectionResponse | undefined) =>
    answer?.messageResponse.case === 'fileDescriptorResponse'
      ? answer.messageResponse.value.fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name)
      : [];

  it('answers each request of one stream, files with the dependencies not yet sent', async () => {
    const [services, recipe, search, byName, again, missing] = await ask(v1.ServerReflection, [
      { case: 'listServices', value: '' },
      { case: 'fileContainingSymbol', value: 'yeet.v1.RecipeService' },
      { case: 'fileContainingSymbol', value: 'yeet.v1.SearchService.SearchRecipes' },
      { case: 'fileByFilename', value: 'google/protobuf/timestamp.proto' },
      { case: 'fileContainingSymbol', value: 'yeet.v1.Recipe.title' },
      { case: 'fileContainingSymbol', value: 'yeet.v1.Nothing' },
    ]);
    expect(services?.validHost).toBe('example');
    expect(services?.originalRequest?.messageRequest.case).toBe('listServices');
    expect(
      services?.messageResponse.case === 'listServicesResponse' && services.messageResponse.value.service.map((s) => s.name),
    ).toEqual([
      'yeet.v1.RecipeService',
      'yeet.v1.SearchService',
      'yeet.v1.ImageService',
      'yeet.v1.UserService',
      'yeet.v1.AuditService',
      'yeet.v1.CollectionService',
      'yeet.v1.ShoppingListService',
      'yeet.v1.MealPlanService',
      'yeet.v1.TelemetryService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    expect(fileNames(recipe)).toEqual(['yeet/v1/recipe.proto', 'google/protobuf/timestamp.proto', 'yeet/v1/common.proto']);
    // search.proto imports recipe.proto, already sent on this stream
    expect(fileNames(search)).toEqual(['yeet/v1/search.proto']);
    expect(fileNames(byName)).toEqual(['google/protobuf/timestamp.proto']);
    expect(fileNames(again)).toEqual(['yeet/v1/recipe.proto']);
    expect(missing?.messageResponse).toEqual({
      case: 'errorResponse',
      value: expect.objectContaining({ errorCode: 5, errorMessage: 'There is no symbol "yeet.v1.Nothing" here.' }),
    });
  });

  it('describes the messages fully: a client can rebuild a method from the bytes', async () => {
    const [answer] = await ask(v1.ServerReflection, [{ case: 'fileContainingSymbol', value: 'yeet.v1.RecipeService.GetRecipe' }]);
    const file = fromBinary(
      FileDescriptorProtoSchema,
      (answer!.messageResponse.value as v1.FileDescriptorResponse).fileDescriptorProto[0]!,
    );
    const service = file.service.find((s) => s.name === 'RecipeService');
    expect(service?.method.find((m) => m.name === 'GetRecipe')).toEqual(
      expect.objectContaining({ inputType: '.yeet.v1.GetRecipeRequest', outputType: '.yeet.v1.GetRecipeResponse' }),
    );
    expect(file.messageType.find((m) => m.name === 'GetRecipeRequest')?.oneofDecl.map((o) => o.name)).toEqual(['key']);
  });

  it('answers extensions: none here, said as not found', async () => {
    const [byNumber, numbers, unknownType] = await ask(v1.ServerReflection, [
      {
        case: 'fileContainingExtension',
        value: { $typeName: 'grpc.reflection.v1.ExtensionRequest', containingType: 'yeet.v1.Recipe', extensionNumber: 100 },
      },
      { case: 'allExtensionNumbersOfType', value: 'yeet.v1.Recipe' },
      { case: 'allExtensionNumbersOfType', value: 'yeet.v1.Nothing' },
    ]);
    expect(byNumber?.messageResponse.case).toBe('errorResponse');
    expect(numbers?.messageResponse).toEqual({
      case: 'allExtensionNumbersResponse',
      value: expect.objectContaining({ baseTypeName: 'yeet.v1.Recipe', extensionNumber: [] }),
    });
    expect(unknownType?.messageResponse.value).toEqual(expect.objectContaining({ errorCode: 5 }));
  });

  it('serves v1alpha the same, over gRPC at the root', async () => {
    const stream = createClient(v1alpha.ServerReflection, createGrpcTransport({ baseUrl: t.baseUrl })).serverReflectionInfo(
      (async function* () {
        yield { messageRequest: { case: 'fileContainingSymbol' as const, value: 'yeet.v1.UserService' } };
      })(),
    );
    const names: string[] = [];
    for await (const answer of stream) {
      if (answer.messageResponse.case === 'fileDescriptorResponse')
        names.push(...answer.messageResponse.value.fileDescriptorProto.map((b) => fromBinary(FileDescriptorProtoSchema, b).name));
    }
    // the file and every file it imports, directly or not
    expect(names).toEqual([
      'yeet/v1/user.proto',
      'google/protobuf/timestamp.proto',
      'yeet/v1/recipe.proto',
      'yeet/v1/common.proto',
    ]);
  });
});
