using System.Text.Json;
using System.Text.Json.Nodes;
using Refit;

namespace SaltApiBridge.Salt.Api;

/// <summary>
/// salt-api (rest_cherrypy) as seen over HTTP. Every method returns <see cref="IApiResponse{T}"/> so that a non-2xx
/// reply (always an HTML page) is never JSON-parsed; the caller reads the status and the page text instead.
/// The token travels only in the <c>X-Auth-Token</c> header (cookies are off in the handler).
/// <c>POST /</c> has one method per reply shape; the lowstate array is the same in each (an array, not a list:
/// Refit serializes the runtime type, which must be in <see cref="SaltApiJsonContext"/>).
/// </summary>
[Headers("Accept: application/json")]
internal interface ISaltApi
{
    [Post("/login")]
    Task<IApiResponse<SaltReturn<LoginToken>>> LoginAsync(
        [Body(buffered: true)] LoginRequest credentials, CancellationToken cancellationToken);

    [Post("/logout")]
    Task<IApiResponse> LogoutAsync([Header(SaltApiHeaders.AuthToken)] string token, CancellationToken cancellationToken);

    /// <summary><c>POST /</c> with <c>client: wheel</c>: each entry is the wheel envelope <c>{tag, data}</c>.</summary>
    [Post("/")]
    Task<IApiResponse<SaltReturn<WheelReply>>> RunWheelAsync(
        [Header(SaltApiHeaders.AuthToken)] string token,
        [Body(buffered: true)] Lowstate[] lowstate,
        CancellationToken cancellationToken);

    /// <summary><c>POST /</c> with <c>client: local</c> (sync): each entry maps minion id to its return.</summary>
    [Post("/")]
    Task<IApiResponse<SaltReturn<Dictionary<string, JsonElement>>>> RunLocalAsync(
        [Header(SaltApiHeaders.AuthToken)] string token,
        [Body(buffered: true)] Lowstate[] lowstate,
        CancellationToken cancellationToken);

    /// <summary><c>POST /</c> with <c>client: local_async</c>: each entry is <c>{jid, minions}</c>, or <c>{}</c> when nothing matched.</summary>
    [Post("/")]
    Task<IApiResponse<SaltReturn<AsyncJobReply>>> StartJobAsync(
        [Header(SaltApiHeaders.AuthToken)] string token,
        [Body(buffered: true)] Lowstate[] lowstate,
        CancellationToken cancellationToken);

    [Get("/jobs/{jid}")]
    Task<IApiResponse<JobsReply>> GetJobAsync(
        [Header(SaltApiHeaders.AuthToken)] string token, string jid, CancellationToken cancellationToken);

    /// <summary><c>{**tag}</c> keeps the slashes of a tag such as <c>saltapibridge/launching</c> unescaped.</summary>
    [Post("/hook/{**tag}")]
    Task<IApiResponse<HookReply>> FireHookAsync(
        [Header(SaltApiHeaders.AuthToken)] string token,
        string tag,
        [Body(buffered: true)] JsonObject data,
        CancellationToken cancellationToken);
}
