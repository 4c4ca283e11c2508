using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace SaltApiBridge.Salt;

/// <summary>
/// Turns what went wrong on the wire into a <see cref="SaltApiException"/> an operator can act on. Messages name
/// the URL, user and eauth, never a token or password; inner exceptions are transport exceptions only (never a
/// Refit exception, which holds the request and so the token header).
/// </summary>
internal static partial class SaltApiFailures
{
    public static SaltApiException LoginRefused(SaltApiOptions options) =>
        new($"salt-api refused the credentials of user {options.Username} (eauth {options.Eauth})", isTransient: false);

    public static SaltApiException FreshTokenRejected(SaltApiOptions options, string operation, string? page) =>
        new($"salt-api answered 401 to {operation} even with a fresh token of user {options.Username} (eauth {options.Eauth})"
            + (page is null ? "" : $": {page}"), isTransient: false);

    /// <summary>A non-2xx reply other than the 401 that leads to a re-login. The body is an HTML page, read as text.</summary>
    public static SaltApiException FromStatus(string baseUrl, string operation, HttpStatusCode status, string? reason, string? body)
    {
        var page = HtmlErrorPage.Message(body);
        var code = (int)status;
        if (status == HttpStatusCode.BadRequest && page is not null && ClientDisabled().Match(page) is { Success: true } disabled)
        {
            return new SaltApiException(
                $"salt-api client '{disabled.Groups[1].Value}' is disabled: add it to netapi_enable_clients in the master configuration",
                isTransient: false);
        }

        var what = $"salt-api at {baseUrl} answered {code} {reason} to {operation}" + (page is null ? "" : $": {page}");
        // 5xx, 408 and 429 may pass; any other 4xx is a configuration or programming error that will not.
        var transient = code >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        return new SaltApiException(what, transient);
    }

    /// <summary>
    /// The request failed before a reply arrived. Null when the exception is not salt-api's to explain: a
    /// cancellation the caller asked for, or a bug (it then propagates unchanged).
    /// </summary>
    public static SaltApiException? FromTransport(string baseUrl, string operation, Exception exception, CancellationToken callerToken)
    {
        if (exception is OperationCanceledException && callerToken.IsCancellationRequested)
        {
            return null;
        }

        return exception switch
        {
            BrokenCircuitException => new SaltApiException(
                $"salt-api at {baseUrl} kept failing; calls are paused for a while (circuit open) — {operation} not sent", true, exception),
            TimeoutRejectedException or OperationCanceledException => new SaltApiException(
                $"salt-api at {baseUrl} did not answer {operation} in time", true, exception),
            HttpRequestException http => new SaltApiException(
                $"salt-api at {baseUrl} is unreachable: {Describe(http)}", true, http),
            _ => null,
        };
    }

    /// <summary>
    /// The call surely never reached salt-api (no connection, or the circuit held it back): sending it elsewhere cannot
    /// make it happen twice.
    /// </summary>
    public static bool NeverSent(SaltApiException exception) =>
        exception?.InnerException is BrokenCircuitException or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    public static SaltApiException UnexpectedReply(string operation, string detail) =>
        new($"salt-api sent an unexpected reply to {operation}: {detail}", isTransient: false);

    /// <summary>
    /// A Salt-side exception (wheel <c>success: false</c> with a string return): the first line says what failed,
    /// the last line says why; the traceback between them only lists the master's own files.
    /// </summary>
    public static SaltApiException SaltSide(string function, string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = lines.Length switch
        {
            0 => "(no message)",
            1 => lines[0],
            _ => $"{lines[0]} … {lines[^1]}",
        };
        return new SaltApiException($"{function} failed inside Salt: {summary}", isTransient: false);
    }

    private static string Describe(HttpRequestException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    SocketError.ConnectionReset => "connection reset",
                    _ => socket.Message,
                };
            }
        }

        return exception.Message;
    }

    [GeneratedRegex(@"Client disabled: '([^']+)'")]
    private static partial Regex ClientDisabled();
}
