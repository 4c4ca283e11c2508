using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt.Api;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// The daemon's one <c>GET /events</c> (server-sent events, token in <c>X-Auth-Token</c>), feeding
/// <see cref="SaltEventWaiters"/>. salt-api sends nothing on a quiet bus and notices a gone client only at its next
/// event, so a connection is trusted only once its own probe (a hook event with a random nonce) came back, and again
/// whenever the bus has been quiet for <see cref="EventStreamOptions.ProbeInterval"/>; a probe that does not come back
/// within <see cref="EventStreamOptions.ProbeTimeout"/> ends the connection. Reconnects back off exponentially with
/// jitter; a 401 logs in again through the session; the connection is renewed when its token is due.
/// While it is down, every waiter polls as it did before the stream.
/// </summary>
internal sealed class SaltEventStream(
    SaltApiSession session,
    SaltEventWaiters waiters,
    ISaltMaster master,
    IHttpClientFactory httpClients,
    IOptions<SaltApiOptions> options,
    TimeProvider timeProvider,
    EventStreamMetrics metrics,
    ILogger<SaltEventStream> logger,
    string httpClientName = SaltEventStream.HttpClientName)
    : BackgroundService
{
    /// <summary>The HttpClient of the stream: salt-api's handler settings, but none of the per-call timeouts and retries.</summary>
    public const string HttpClientName = "SaltApiEvents";

    private const string Operation = "GET /events";

    private EventStreamOptions Stream => options.Value.EventStream;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Stream.Enabled)
        {
            logger.StreamDisabled();
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var proven = false;
            StreamDisconnect ended;
            try
            {
                (ended, proven) = await ConnectOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (SaltApiException e)
            {
                ended = new StreamDisconnect("error", e.Message);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The stream is never the only path: whatever broke it, waits poll and it comes back later.
                ended = new StreamDisconnect("error", $"{e.GetType().Name}: {e.Message}");
            }
            finally
            {
                waiters.SetConnected(false);
                waiters.SetLive(false);
                waiters.ClearProbe();
            }

            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            metrics.Reconnect(ended.Kind);
            if (ended.Kind == "token_renewal")
            {
                // Planned: the connection's token is due; reconnect at once with the renewed one.
                logger.StreamRenewing(ended.Kind, ended.Reason);
                failures = 0;
                continue;
            }

            failures = proven ? 1 : failures + 1;
            var delay = Backoff(failures);
            // While the master does not answer, its outage warning (DependencyOutages) said it once: each reconnect is Debug.
            if (session.Outage?.IsDown == true)
                logger.StreamStillDown(options.Value.Name, ended.Kind, ended.Reason, delay);
            else
                logger.StreamLost(options.Value.Name, ended.Kind, ended.Reason, delay);
            try
            {
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Exponential from ReconnectDelay, capped, with jitter (half to all of it) so replicas do not reconnect in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var o = Stream;
        var exponential = o.ReconnectDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = exponential < o.ReconnectMaxDelay ? exponential : o.ReconnectMaxDelay;
        return capped * (0.5 + (Random.Shared.NextDouble() * 0.5));
    }

    private async Task<(StreamDisconnect Ended, bool Proven)> ConnectOnceAsync(CancellationToken stoppingToken)
    {
        var token = await session.CurrentTokenAsync(stoppingToken);
        HttpResponseMessage? response = null;
        try
        {
            response = await OpenAsync(token, stoppingToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // A restarted master or a logout elsewhere voided the token: one re-login, one more try.
                response.Dispose();
                token = await session.RenewRejectedTokenAsync(token, Operation, stoppingToken);
                response = await OpenAsync(token, stoppingToken);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    return (new StreamDisconnect("unauthorized", "salt-api answered 401 to GET /events even with a fresh token"), false);
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                return (new StreamDisconnect("http_status", $"salt-api answered {(int)response.StatusCode} {response.ReasonPhrase} to {Operation}"), false);
            }

            await using var body = await response.Content.ReadAsStreamAsync(stoppingToken);
            using var reader = new SseEventReader(body, waiters, Stream.MaxEventBytes);
            waiters.SetConnected(true);
            logger.StreamConnected(options.Value.BaseUrl);
            using var connection = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var reading = ReadAsync(reader, connection.Token);
            var watching = WatchAsync(reader, token, connection.Token);
            var first = await Task.WhenAny(reading, watching);
            await connection.CancelAsync();
            // Disposing the response aborts a read that does not listen to cancellation.
            response.Dispose();
            var readEnd = await reading;
            var (watchEnd, proven) = await watching;
            return (first == reading ? readEnd : watchEnd, proven);
        }
        catch (HttpRequestException e)
        {
            return (NoAnswer($"salt-api at {options.Value.BaseUrl} is unreachable: {e.Message}"), false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (NoAnswer($"salt-api did not answer {Operation} within {Stream.ConnectTimeout}"), false);
        }
        finally
        {
            response?.Dispose();
        }
    }

    private async Task<HttpResponseMessage> OpenAsync(SaltApiToken token, CancellationToken stoppingToken)
    {
        var url = new Uri(options.Value.BaseUrl.TrimEnd('/') + "/events");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add(SaltApiHeaders.AuthToken, token.Value);
        request.Headers.Add("Accept", "text/event-stream");
        using var timeout = new CancellationTokenSource(Stream.ConnectTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        var http = httpClients.CreateClient(httpClientName);
        // Headers only: the body is the stream itself, read as it comes.
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        if ((int)response.StatusCode >= 500)
            session.Outage?.Failed($"salt-api at {options.Value.BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} to {Operation}");
        else
            session.Outage?.Answered();
        return response;
    }

    /// <summary>The stream could not reach salt-api: the master's outage is told (one warning per outage).</summary>
    private StreamDisconnect NoAnswer(string reason)
    {
        session.Outage?.Failed(reason);
        return new StreamDisconnect("error", reason);
    }

    private async Task<StreamDisconnect> ReadAsync(SseEventReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.ReadAsync(cancellationToken) is { } e)
            {
                waiters.Dispatch(e);
            }

            return new StreamDisconnect("closed", "salt-api ended the stream");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StreamDisconnect("cancelled", "the connection was ended");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            return new StreamDisconnect("error", $"the stream broke off: {e.Message}");
        }
    }

    /// <summary>Proves the fresh connection, then again whenever the bus has been quiet; ends it when a probe is lost.</summary>
    private async Task<(StreamDisconnect Ended, bool Proven)> WatchAsync(
        SseEventReader reader, SaltApiToken token, CancellationToken cancellationToken)
    {
        var proven = false;
        try
        {
            // Until our own event comes back, salt-api may not be listening on the bus yet: waits keep polling.
            if (await ProbeAsync(cancellationToken) is { } lost)
            {
                return (lost, false);
            }

            proven = true;
            waiters.SetLive(true);
            logger.StreamProven(options.Value.Name, waiters.Generation);
            var seen = reader.EventsSeen;
            while (true)
            {
                var untilRenewal = token.RenewAt - timeProvider.GetUtcNow();
                if (untilRenewal <= TimeSpan.Zero)
                {
                    return (new StreamDisconnect("token_renewal", "the stream's token is due for renewal"), true);
                }

                var interval = Stream.ProbeInterval;
                await Task.Delay(interval < untilRenewal ? interval : untilRenewal, timeProvider, cancellationToken);
                var now = reader.EventsSeen;
                if (now != seen)
                {
                    // The bus spoke on this connection: it delivers.
                    seen = now;
                    continue;
                }

                if (await ProbeAsync(cancellationToken) is { } stalled)
                {
                    return (stalled, true);
                }

                seen = reader.EventsSeen;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (new StreamDisconnect("cancelled", "the connection was ended"), proven);
        }
    }

    private async Task<StreamDisconnect?> ProbeAsync(CancellationToken cancellationToken)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var back = waiters.ExpectProbe(nonce);
        try
        {
            try
            {
                await master.FireEventAsync(SaltEventWaiters.ProbeHookTag, new JsonObject { ["nonce"] = nonce }, cancellationToken);
            }
            catch (SaltApiException e)
            {
                return new StreamDisconnect("probe_failed", $"its probe event could not be fired: {e.Message}");
            }

            try
            {
                await back.WaitAsync(Stream.ProbeTimeout, timeProvider, cancellationToken);
                return null;
            }
            catch (TimeoutException)
            {
                return new StreamDisconnect("stalled", $"its probe event did not come back within {Stream.ProbeTimeout}");
            }
        }
        finally
        {
            waiters.ClearProbe();
        }
    }
}
