using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>Source-generated JSON metadata for every type that crosses the salt-api wire.</summary>
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SaltReturn<LoginToken>))]
[JsonSerializable(typeof(Lowstate[]))]
[JsonSerializable(typeof(SaltReturn<WheelReply>))]
[JsonSerializable(typeof(SaltReturn<Dictionary<string, JsonElement>>))]
[JsonSerializable(typeof(SaltReturn<AsyncJobReply>))]
[JsonSerializable(typeof(JobsReply))]
[JsonSerializable(typeof(HookReply))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SaltApiJsonContext : JsonSerializerContext;
