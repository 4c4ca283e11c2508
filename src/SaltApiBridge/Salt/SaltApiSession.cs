using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;
using SaltApiBridge.Salt.Api;

namespace SaltApiBridge.Salt;

/// <summary>
/// Holds the one salt-api token of this process: logs in on first use, renews the token before its
/// <c>expire</c>, shares a single login among concurrent callers, answers a 401 with exactly one re-login and one
/// retry, and logs out on disposal. It is also the one place that turns replies into results or
/// <see cref="SaltApiException"/>s. The token is never logged: only its renewal time is.
/// </summary>
internal sealed class SaltApiSession(
    ISaltApi api,
    IOptions<SaltApiOptions> options,
    TimeProvider timeProvider,
    ILogger<SaltApiSession> logger,
    IMeterFactory? meterFactory = null,
    MasterOutage? outage = null)
    : IAsyncDisposable
{
    private readonly Counter<long> logins = BridgeMeter.Create(meterFactory)
        .CreateCounter<long>("salt_api_logins", description: "salt-api logins, by reason (first, renewal, token_rejected)");

    private readonly Counter<long> calls = BridgeMeter.Create(meterFactory)
        .CreateCounter<long>("salt_api_calls", description: "salt-api calls (each with its retries), by call (client and function, or endpoint), master and result (ok, failed)");

    private static readonly TimeSpan LogoutTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private SaltApiToken? _current;
    private Task<SaltApiToken>? _login;
    private int _disposed;

    private SaltApiOptions Options => options.Value;

    /// <summary>This master in <see cref="Hosting.DependencyOutages"/>; null outside the daemon's wiring (tests).</summary>
    public MasterOutage? Outage => outage;

    /// <summary>Calls salt-api with the current token; on 401, logs in again once and repeats the call once.</summary>
    public Task<T> InvokeAsync<T>(
        string operation, Func<string, CancellationToken, Task<IApiResponse<T>>> call, CancellationToken cancellationToken) =>
        InvokeAsync(operation, call, static (token, call, ct) => call(token, ct), cancellationToken);

    /// <summary>
    /// <see cref="InvokeAsync{T}(string, Func{string, CancellationToken, Task{IApiResponse{T}}}, CancellationToken)"/> with
    /// <paramref name="state"/> handed to <paramref name="call"/>: a static lambda then captures nothing, so a caller that
    /// waits long (a job's wait) keeps no closure for it.
    /// </summary>
    public async Task<T> InvokeAsync<TState, T>(
        string operation, TState state, Func<string, TState, CancellationToken, Task<IApiResponse<T>>> call, CancellationToken cancellationToken)
    {
        var token = await GetTokenAsync(cancellationToken);
        using (var first = await SendAsync(operation, () => call(token.Value, state, cancellationToken), cancellationToken))
        {
            if (first.StatusCode != HttpStatusCode.Unauthorized)
            {
                return Unwrap(operation, first);
            }
        }

        // A restarted master, a logout elsewhere or a clock jump voids a token before its expire.
        logger.TokenRejected(operation);
        Invalidate(token);
        var fresh = await GetTokenAsync(cancellationToken, "token_rejected");
        using var second = await SendAsync(operation, () => call(fresh.Value, state, cancellationToken), cancellationToken);
        if (second.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw SaltApiFailures.FreshTokenRejected(Options, operation, HtmlErrorPage.Message(ErrorBody(second)));
        }

        return Unwrap(operation, second);
    }

    /// <summary>
    /// The current token, for a caller that sends it itself (the event stream, a long-lived <c>GET /events</c>);
    /// <see cref="SaltApiToken.RenewAt"/> tells it when to come back for a fresh one.
    /// </summary>
    public Task<SaltApiToken> CurrentTokenAsync(CancellationToken cancellationToken) => GetTokenAsync(cancellationToken);

    /// <summary>The caller's token was answered with 401: drop it (unless already replaced) and log in again.</summary>
    public Task<SaltApiToken> RenewRejectedTokenAsync(SaltApiToken rejected, string operation, CancellationToken cancellationToken)
    {
        logger.TokenRejected(operation);
        Invalidate(rejected);
        return GetTokenAsync(cancellationToken, "token_rejected");
    }

    /// <summary>Clears the token on the master (best effort). The host calls this on shutdown, or disposal does.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        SaltApiToken? token;
        lock (_gate)
        {
            token = _current;
            _current = null;
        }

        if (token is null)
        {
            return;
        }

        try
        {
            using var response = await api.LogoutAsync(token.Value, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                logger.LoggedOut(Options.Username);
            }
            else
            {
                logger.LogoutFailed(Options.Username, $"HTTP {(int?)response.StatusCode}");
            }
        }
        catch (Exception e)
        {
            // Logout only shortens the token's life; failing it must not fail shutdown.
            logger.LogoutFailed(Options.Username, e.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(LogoutTimeout, timeProvider))
        {
            await LogoutAsync(timeout.Token);
        }

        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    private async Task<SaltApiToken> GetTokenAsync(CancellationToken cancellationToken, string? reason = null)
    {
        Task<SaltApiToken> login;
        lock (_gate)
        {
            if (_current is { } token && timeProvider.GetUtcNow() < token.RenewAt)
            {
                return token;
            }

            // Every caller that finds no valid token awaits the same login.
            login = _login ??= LoginOnceAsync(reason ?? (_current is null ? "first" : "renewal"));
        }

        return await login.WaitAsync(cancellationToken);
    }

    private void Invalidate(SaltApiToken stale)
    {
        lock (_gate)
        {
            // Only the caller holding the current token clears it; others already see a newer one.
            if (ReferenceEquals(_current, stale))
            {
                _current = null;
            }
        }
    }

    private async Task<SaltApiToken> LoginOnceAsync(string reason)
    {
        // Return to the caller (who holds _gate and stores this task) before anything can complete.
        await Task.Yield();
        try
        {
            var token = await LoginAsync(_stopping.Token);
            logins.Add(1, new KeyValuePair<string, object?>("reason", reason));
            lock (_gate)
            {
                _current = token;
            }

            return token;
        }
        finally
        {
            lock (_gate)
            {
                _login = null;
            }
        }
    }

    private async Task<SaltApiToken> LoginAsync(CancellationToken cancellationToken)
    {
        const string operation = "POST /login";
        var o = Options;
        var credentials = new LoginRequest(o.Username, ReadPassword(o), o.Eauth);
        var requestedAt = timeProvider.GetUtcNow();
        using var response = await SendAsync(operation, () => api.LoginAsync(credentials, cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            logger.LoginRefused(o.Username, o.Eauth);
            throw SaltApiFailures.LoginRefused(o);
        }

        var login = Unwrap(operation, response).First;
        if (login?.Token is not { Length: > 0 } value)
        {
            throw SaltApiFailures.UnexpectedReply(operation, "return[0].token is missing");
        }

        // The lifetime (expire - start) is applied to our own clock, so clock skew against the master cannot
        // make a token look expired (a login per call) or valid for too long.
        var lifetime = TimeSpan.FromSeconds(Math.Max(0, login.Expire - login.Start));
        var margin = o.TokenRefreshMargin < lifetime / 2 ? o.TokenRefreshMargin : lifetime / 2;
        var renewAt = requestedAt + lifetime - margin;
        logger.LoggedIn(o.Username, o.Eauth, renewAt);
        return new SaltApiToken(value, renewAt);
    }

    private static string ReadPassword(SaltApiOptions o)
    {
        if (string.IsNullOrEmpty(o.PasswordFile))
        {
            return o.Password ?? "";
        }

        try
        {
            return File.ReadAllText(o.PasswordFile).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SaltApiException(
                $"cannot read the salt-api password file {o.PasswordFile}: {e.Message}", isTransient: e is IOException, e);
        }
    }

    private async Task<TResponse> SendAsync<TResponse>(
        string operation, Func<Task<TResponse>> send, CancellationToken cancellationToken)
        where TResponse : IApiResponse
    {
        TResponse response;
        try
        {
            response = await send();
        }
        catch (Exception e) when (SaltApiFailures.FromTransport(Options.BaseUrl, operation, e, cancellationToken) is { } failure)
        {
            throw NoAnswer(operation, failure);
        }

        if (response.HasRequestError(out var requestError))
        {
            response.Dispose();
            var cause = requestError.InnerException ?? requestError;
            throw SaltApiFailures.FromTransport(Options.BaseUrl, operation, cause, cancellationToken) is { } failure ? NoAnswer(operation, failure) : cause;
        }

        var status = (int?)response.StatusCode ?? 0;
        Count(operation, response.IsSuccessStatusCode ? "ok" : "failed");
        if (status >= 500)
            outage?.Failed($"salt-api at {Options.BaseUrl} answered {status} {response.ReasonPhrase} to {operation}");
        else
            outage?.Answered();
        return response;
    }

    /// <summary>No reply (refused, timed out, circuit open): counted, and the master's outage is told (one warning per outage).</summary>
    private SaltApiException NoAnswer(string operation, SaltApiException failure)
    {
        Count(operation, "failed");
        outage?.Failed(failure.Message);
        return failure;
    }

    private void Count(string operation, string result) =>
        calls.Add(
            1,
            new KeyValuePair<string, object?>("call", CallLabel(operation)),
            new KeyValuePair<string, object?>("master", Options.Name),
            new KeyValuePair<string, object?>("result", result));

    /// <summary>The bounded label of an operation: its client and function or its endpoint, never a jid or event tag.</summary>
    internal static string CallLabel(string operation) =>
        operation.StartsWith("GET /jobs/", StringComparison.Ordinal) ? "GET /jobs"
        : operation.StartsWith("POST /hook/", StringComparison.Ordinal) ? "POST /hook"
        : operation;

    private T Unwrap<T>(string operation, IApiResponse<T> response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw SaltApiFailures.FromStatus(
                Options.BaseUrl, operation, response.StatusCode ?? 0, response.ReasonPhrase, ErrorBody(response));
        }

        if (response.Error is { } error)
        {
            // A 2xx whose JSON did not fit; the serializer's message names the path, not the content.
            throw SaltApiFailures.UnexpectedReply(operation, error.InnerException?.Message ?? error.Message);
        }

        return response.Content ?? throw SaltApiFailures.UnexpectedReply(operation, "empty body");
    }

    /// <summary>The text of a non-2xx reply, as Refit read it (as a string, never parsed).</summary>
    private static string? ErrorBody(IApiResponse response) => (response.Error as ApiException)?.Content;
}
