using System.Diagnostics.CodeAnalysis;
using System.Text;
using WireMock;
using WireMock.Models;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// A reply whose body WireMock streams (its server-sent-events path writes each item as it is read, after a 200 and
/// the headers): the first part at once, then nothing until <see cref="Release"/> or the stall ends; then the rest,
/// or an exception that makes Kestrel abort the connection mid-body (a reset). Lets tests stall a body after its
/// headers, which WireMock's delays (before the headers) and fault types (whole bodies) cannot.
/// </summary>
internal sealed class StalledBody(string first, string? rest, TimeSpan stall, bool reset) : IBlockingQueue<string?>
{
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int reads;

    /// <summary>The first half of <paramref name="body"/>, a stall, then the second half.</summary>
    public static StalledBody Slow(string body, TimeSpan stall) => new(body[..(body.Length / 2)], body[(body.Length / 2)..], stall, reset: false);

    /// <summary>The first half of <paramref name="body"/>, then the connection is reset.</summary>
    public static StalledBody ResetMidway(string body) => new(body[..(body.Length / 2)], null, TimeSpan.Zero, reset: true);

    /// <summary>A 200 with these headers whose body is streamed from this queue.</summary>
    public ResponseMessage Reply(string contentType = "application/json")
    {
        var message = new ResponseMessage
        {
            StatusCode = 200,
            BodyData = new BodyData { DetectedBodyType = BodyType.SseString, SseStringQueue = this, Encoding = Encoding.UTF8 },
        };
        message.AddHeader("Content-Type", contentType);
        return message;
    }

    /// <summary>Ends the stall now (the rest, or the reset, follows).</summary>
    public void Release() => released.TrySetResult();

    public void Write(string? item) => throw new NotSupportedException("the body is fixed up front");

    public bool TryRead([NotNullWhen(true)] out string? item)
    {
        item = null;
        switch (Interlocked.Increment(ref reads))
        {
            case 1:
                item = first;
                return true;
            case 2:
                // WireMock reads synchronously on a server thread; blocking it is the stall.
                released.Task.Wait(stall);
                if (reset)
                    throw new IOException("connection reset by the chaos suite");
                item = rest;
                return item is not null;
            default:
                return false;
        }
    }

    public void Close() => Release();
}
