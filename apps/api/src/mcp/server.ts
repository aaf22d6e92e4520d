import { createHash } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import {
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  ResourceTemplate,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import { AuditService, RecipeService, RecipeSort, RecipeStatus, SearchService } from '@yeet/contract';
import { MealPlanService } from '@yeet/contract';
import { ShoppingListService } from '@yeet/contract';
import { CollectionService } from '@yeet/contract';
import { invalidArgument, joinPath, notFound, resourceExhausted, type FieldViolation } from '@yeet/domain';
import type { RateLimiter, Telemetry } from '@yeet/platform';
import { z } from 'zod';
import { hasSideEffects, idempotencyHeader } from '../rpc/idempotency.ts';
import { observeEdge } from '../rpc/observe.ts';
import { fullRecipe, toolErrorText } from './convert.ts';
import { prompts } from './prompts.ts';
import { recipeMarkdown } from './recipe-text.ts';
import { tools, type ToolContext, type ToolDefinition } from './tools.ts';

export interface McpServerOptions {
  /** Where the API is: in-process for `/mcp`, over HTTP for the stdio command. */
  transport: Transport;
  /** Headers that identify the caller to the API (Authorization: Bearer …). */
  credentials: () => Promise<Record<string, string>>;
  publicUrl: string;
  telemetry: Telemetry;
  /** Tool calls per caller. */
  limiter: RateLimiter;
  /** The caller, for rate limits and logs: a user id, an address, or "stdio". */
  caller: string;
  /** Whether the caller is someone: anonymous callers are offered only the tools that need no sign-in. */
  signedIn: boolean;
}

const reading = `Eat or Yeet is a recipe platform. Search published recipes (search_recipes, list_facets), read one in full and scale it (get_recipe, or the recipe://<slug> resources).`;
const slugs = `Recipes are referred to by slug (e.g. "cacio-e-pepe").`;
const instructions = {
  signedIn: `${reading}
As the signed-in user you can also write: create_recipe_draft, update_recipe_draft, submit_recipe_for_review (editors then approve it), rate_recipe, list_my_recipes.
${slugs} Write tools act for the user: confirm with them before submitting or rating.`,
  anonymous: `${reading}
${slugs} Writing (drafting, submitting and rating recipes, listing the user's own) needs the user to sign in: connect with OAuth (this server's protected resource metadata names the authorization server), and those tools appear.`,
};

/**
 * An MCP server over the platform's API: every tool calls the same RPC methods, through
 * the same identity, policy and validation, as the web app does. Each tool call is itself
 * observed like an RPC ("mcp/<tool>") and counted against the caller's rate limit.
 */
export function createMcpServer(o: McpServerOptions): McpServer {
  const transport = withCredentials(o.transport, o.credentials);
  const clients: ToolContext = {
    recipes: createClient(RecipeService, transport),
    search: createClient(SearchService, transport),
    audit: createClient(AuditService, transport),
    plans: createClient(MealPlanService, transport),
    shopping: createClient(ShoppingListService, transport),
    collections: createClient(CollectionService, transport),
    publicUrl: o.publicUrl,
  };

  const server = new McpServer(
    { name: 'eat-or-yeet', title: 'Eat or Yeet', version: '0.1.0' },
    {
      instructions: o.signedIn ? instructions.signedIn : instructions.anonymous,
      jsonSchemaValidator,
      // A stateless server (a new one per /mcp request) never tells a client that a list
      // changed: say so, rather than the SDK's default promise that it will.
      capabilities: { tools: { listChanged: false }, resources: { listChanged: false }, prompts: { listChanged: false } },
    },
  );
  // Tools are served here rather than through McpServer.registerTool so that every call,
  // including one whose arguments fail the schema, is observed, rate-limited and answered
  // with the same error shape as the API's own validation.
  server.server.setRequestHandler('tools/list', () => ({ tools: o.signedIn ? listing.all : listing.anonymous }));
  server.server.setRequestHandler('tools/call', async (request) => {
    const tool = byName.get(request.params.name);
    if (tool?.definition.needsSignIn && !o.signedIn) {
      return { content: [{ type: 'text', text: needsSignIn(tool.definition.name) }], isError: true };
    }
    if (!tool) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `There is no tool "${request.params.name}"; tools/list names them.`,
      );
    }
    const result = await callTool(tool, request.params.arguments, { transport, clients }, o);
    // the SDK's per-era wire form of a result (the same for the object results every tool returns)
    return server.server.projectCallToolResult(result, tool.outputSchema);
  });

  server.registerResource(
    'recipe',
    // Listed below, page by page: the SDK's own listing cannot pass a cursor on.
    new ResourceTemplate('recipe://{slug}', { list: undefined }),
    {
      title: 'Published recipe',
      description: 'A published recipe as Markdown: ingredients, method, times and rating.',
      mimeType: 'text/markdown',
    },
    (uri, { slug }) =>
      resourceCall(o, 'resources/read', uri.href, async () => {
        const { recipe } = await clients.recipes.getRecipe({ key: { case: 'slug', value: String(slug) } });
        // its author and editors may read a draft with get_recipe; resources are the public catalogue
        if (recipe!.status !== RecipeStatus.PUBLISHED) throw notFound(`A published recipe at ${uri.href}`);
        return {
          contents: [
            {
              uri: uri.href,
              mimeType: 'text/markdown',
              text: recipeMarkdown(fullRecipe(recipe!, o.publicUrl, recipe!.servings)),
            },
          ],
        };
      }),
  );

  // The published recipes, newest first, a page per call; nextCursor leads to the next page.
  server.server.setRequestHandler('resources/list', (request) =>
    resourceCall(o, 'resources/list', undefined, async () => {
      const { recipes, nextPageToken } = await clients.recipes.listRecipes({
        pageSize: resourcePageSize,
        sort: RecipeSort.NEWEST,
        filter: { status: RecipeStatus.PUBLISHED },
        pageToken: request.params?.cursor ?? '',
      });
      return {
        resources: recipes.map((r) => ({
          uri: `recipe://${r.slug}`,
          name: r.slug,
          title: r.title,
          description: r.summary,
          mimeType: 'text/markdown',
        })),
        ...(nextPageToken ? { nextCursor: nextPageToken } : {}),
      };
    }),
  );

  for (const prompt of prompts) {
    const message = prompt.message as (args: Record<string, string>) => string;
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema: z.object(prompt.args) },
      (args) => ({
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: message(args as Record<string, string>) } }],
      }),
    );
  }
  return server;
}

/** Recipes per resources/list page. */
export const resourcePageSize = 50;

// One for all servers: the SDK builds a new Ajv per server otherwise, and /mcp makes a server per request.
const jsonSchemaValidator = new AjvJsonSchemaValidator();

interface ServedTool {
  definition: ToolDefinition;
  args: z.ZodObject;
  /** The output schema tools/list advertises. */
  outputSchema: Record<string, unknown>;
}

const idempotencyKeyArg = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 visible ASCII characters')
  .optional()
  .describe(
    'Any unique string (e.g. a UUID) for this change: calling again with the same key and arguments within 24 hours returns the first result instead of changing anything twice. Without it, a repeat of the same change is recognised by its content.',
  );

/** Write tools take an optional idempotency key (docs/decisions/0017-idempotency-keys.md). */
const inputOf = (t: ToolDefinition): z.ZodRawShape => (t.readOnly ? t.input : { ...t.input, idempotency_key: idempotencyKeyArg });

const outputSchemaOf = (t: ToolDefinition) =>
  portableSchema(z.toJSONSchema(z.object(t.output), { io: 'output', target: 'draft-7' })) as Record<string, unknown>;

const byName = new Map<string, ServedTool>(
  tools.map((t) => [t.name, { definition: t, args: z.strictObject(inputOf(t)), outputSchema: outputSchemaOf(t) }]),
);

/** Why an anonymous caller may not use a tool. */
export const needsSignIn = (tool: string) =>
  `${tool} acts for a signed-in person: sign in (OAuth; this server's protected resource metadata names the authorization server), or send the user's access token as \`Authorization: Bearer\` (\`yeet token\` prints one).`;

/** What tools/list answers: one listing for signed-in callers, one for anonymous ones, each built once. */
const allTools: Tool[] = tools.map((t) => ({
  name: t.name,
  title: t.title,
  description: t.description,
  inputSchema: portableSchema(
    z.toJSONSchema(z.strictObject(inputOf(t)), { io: 'input', target: 'draft-7' }),
  ) as Tool['inputSchema'],
  outputSchema: byName.get(t.name)!.outputSchema as Tool['outputSchema'],
  annotations: { title: t.title, readOnlyHint: t.readOnly, destructiveHint: false, openWorldHint: false },
}));
const listing = { all: allTools, anonymous: allTools.filter((t) => !byName.get(t.name)!.definition.needsSignIn) };

/** One MCP request, observed like an RPC ("mcp/<name>") and counted against the caller's rate limit. */
function guarded<T>(o: McpServerOptions, name: string, run: () => Promise<T>): Promise<T> {
  return observeEdge(o.telemetry, { name: `mcp/${name}`, system: 'mcp', caller: () => o.caller }, async () => {
    const wait = o.limiter.hit(o.caller);
    if (wait > 0) throw resourceExhausted(`Too many calls from you; wait ${Math.ceil(wait / 1000)} s before the next one.`);
    return run();
  });
}

async function callTool(
  tool: ServedTool,
  args: unknown,
  api: { transport: Transport; clients: ToolContext },
  o: McpServerOptions,
): Promise<CallToolResult> {
  const { definition } = tool;
  try {
    return await guarded(o, definition.name, async () => {
      const parsed = tool.args.safeParse(args ?? {});
      if (!parsed.success) throw invalidArgument(parsed.error.issues.flatMap(violations));
      const { idempotency_key: key, ...rest } = parsed.data as { idempotency_key?: string };
      const clients = definition.readOnly ? api.clients : writing(api.transport, api.clients, definition.name, key);
      const result = await definition.run(clients, rest as never);
      return { content: [{ type: 'text' as const, text: result.text }], structuredContent: result.structured };
    });
  } catch (error) {
    return { content: [{ type: 'text', text: toolErrorText(error) }], isError: true };
  }
}

/**
 * Resource requests fail as JSON-RPC errors. A recipe that is not there is the SDK's
 * resource-not-found error (-32602 with the URI as data, as the 2026-07-28 revision has it;
 * clients of earlier revisions know it too).
 */
async function resourceCall<T>(o: McpServerOptions, name: string, uri: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await guarded(o, name, run);
  } catch (error) {
    const e = ConnectError.from(error);
    if (e.code === Code.NotFound && uri !== undefined) throw new ResourceNotFoundError(uri, toolErrorText(e));
    throw new ProtocolError(ProtocolErrorCode.InternalError, toolErrorText(e));
  }
}

/** A zod issue as field violations in the tool's own argument spelling: ["steps", 2] → "steps[2]". */
function violations(issue: z.core.$ZodIssue): FieldViolation[] {
  const at = issue.path.reduce<string>((p, key) => (typeof key === 'number' ? `${p}[${key}]` : joinPath(p, String(key))), '');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: joinPath(at, key),
      description: 'is not an argument of this tool; see its input schema for the names',
    }));
  }
  return [{ field: at, description: issue.message }];
}

/**
 * The clients of one write tool call: each write RPC carries the assistant's idempotency key
 * or, without one, a key derived from the tool and the request, so that a repeated identical
 * call is answered with the first one's result instead of writing twice.
 */
function writing(transport: Transport, clients: ToolContext, tool: string, key: string | undefined): ToolContext {
  const keyed: Transport = {
    unary: (method, signal, timeoutMs, header, input, contextValues) => {
      const headers = new Headers(header);
      if (hasSideEffects(method)) {
        const derived = () =>
          `mcp-${tool}-${createHash('sha256')
            .update(method.name)
            .update('\0')
            .update(toBinary(method.input, create(method.input, input)))
            .digest('base64url')}`;
        headers.set(idempotencyHeader, key ?? derived());
      }
      return transport.unary(method, signal, timeoutMs, headers, input, contextValues);
    },
    stream: transport.stream,
  };
  return {
    ...clients,
    recipes: createClient(RecipeService, keyed),
    plans: createClient(MealPlanService, keyed),
    shopping: createClient(ShoppingListService, keyed),
    collections: createClient(CollectionService, keyed),
  };
}

/** The transport, with the caller's credentials on every call (the transport itself stays shared). */
function withCredentials(transport: Transport, credentials: () => Promise<Record<string, string>>): Transport {
  const withHeaders = async (header: ConstructorParameters<typeof Headers>[0]) => {
    const headers = new Headers(header);
    for (const [name, value] of Object.entries(await credentials())) headers.set(name, value);
    return headers;
  };
  return {
    unary: async (method, signal, timeoutMs, header, input, contextValues) =>
      transport.unary(method, signal, timeoutMs, await withHeaders(header), input, contextValues),
    stream: async (method, signal, timeoutMs, header, input, contextValues) =>
      transport.stream(method, signal, timeoutMs, await withHeaders(header), input, contextValues),
  };
}

/**
 * The schema with every `type: [T, "null"]` written as `anyOf: [{type: T}, {type: "null"}]`:
 * the same meaning, in the form every client's validator reads (the MCP Inspector's strict
 * mode flags type arrays as not portable), and an empty `additionalProperties: {}` as
 * `true`, which says the same without looking like a forgotten constraint.
 */
export function portableSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(portableSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = portableSchema(value);
  // `{}` (any value, e.g. a record of unknowns) said as such: `true`
  const extra = out.additionalProperties;
  if (extra !== null && typeof extra === 'object' && Object.keys(extra).length === 0) out.additionalProperties = true;
  if (Array.isArray(out.type)) {
    const { type, ...rest } = out as { type: string[] } & Record<string, unknown>;
    const keywords = Object.keys(rest).filter((k) => k !== 'description' && k !== 'title' && k !== 'default');
    const shared: Record<string, unknown> = {};
    const typed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) (keywords.includes(k) ? typed : shared)[k] = v;
    return { ...shared, anyOf: type.map((t) => (t === 'null' ? { type: 'null' } : { type: t, ...typed })) };
  }
  return out;
}
