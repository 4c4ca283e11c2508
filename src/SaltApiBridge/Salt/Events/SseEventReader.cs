using System.Buffers;
using System.Text;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// Reads server-sent events (salt-api's <c>GET /events</c>: <c>tag:</c>, <c>data:</c>, <c>retry:</c> lines, a blank
/// line ends an event; LF or CRLF) off a stream, returning only the events whose tag the filter wants. The bus carries
/// every event of the master (other users' jobs, multi-MB returns), so the tag is judged when its line ends, BEFORE
/// any data is kept: the data of an unwanted event is skipped as it streams by, never buffered. A wanted event's data
/// is kept up to a bound; past it the rest is skipped and the event is returned as oversized. What is buffered is
/// one read buffer, the tag (at most <see cref="MaxTagBytes"/>) and at most one bounded data buffer.
/// Salt sends the tag line first; data lines before an event's tag cannot be judged, so they are dropped and
/// the event, if wanted, comes back as oversized (its reader then asks salt-api directly).
/// </summary>
internal sealed class SseEventReader(Stream stream, ISseTagFilter filter, int maxDataBytes) : IDisposable
{
    /// <summary>Tags on Salt's bus are short (<c>salt/job/&lt;jid&gt;/ret/&lt;id&gt;</c>); a longer one is nobody's we wait for.</summary>
    public const int MaxTagBytes = 512;

    private const int ReadSize = 16 * 1024;

    // A field name is at most "retry"; a line without a colon in its first bytes is a field we ignore.
    private const int MaxFieldNameBytes = 8;

    // A data buffer grown past this for one big event is handed back before the next read, so memory stays flat.
    private const int KeptDataBytes = 64 * 1024;

    private readonly byte[] _tag = new byte[MaxTagBytes];
    private readonly byte[] _retry = new byte[16];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
    private bool _disposed;
    private int _start;
    private int _end;

    // The line being read.
    private Field _field = Field.None;
    private bool _skipSpace;
    private int _lineStart;

    // The event being read.
    private int _tagLength;
    private bool _tagTooLong;
    private bool _hasTag;
    private bool _wanted;
    private bool _hasData;
    private bool _dataBeforeTag;
    private byte[]? _data;
    private int _dataLength;
    private bool _oversized;
    private int _retryLength;
    private long _eventsSeen;

    private enum Field
    {
        None,
        Tag,
        Data,
        Retry,
        Ignored,
    }

    /// <summary>Every event that ended on the stream, wanted or not (proof that the stream delivers).</summary>
    public long EventsSeen => Interlocked.Read(ref _eventsSeen);

    public long BytesRead { get; private set; }

    /// <summary>The last <c>retry:</c> the server sent, in milliseconds.</summary>
    public int? RetryMilliseconds { get; private set; }

    /// <summary>What the reader holds right now: its read buffer and its data buffer.</summary>
    public int BufferedBytes => _buffer.Length + (_data?.Length ?? 0) + _tag.Length;

    /// <summary>The most the reader ever held at once.</summary>
    public int MaxBufferedBytes { get; private set; }

    /// <summary>The next wanted event, or null at the end of the stream (an event cut off by the end is dropped).</summary>
    public async ValueTask<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReleaseBigData();
        NoteBuffered();
        while (true)
        {
            if (_start == _end)
            {
                _start = _end = 0;
                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }

            if (_field == Field.None)
            {
                var head = _buffer.AsSpan(_start, Math.Min(_end - _start, MaxFieldNameBytes + 1));
                var newline = head.IndexOf((byte)'\n');
                var colon = head.IndexOf((byte)':');
                if (newline >= 0 && (colon < 0 || newline < colon))
                {
                    var name = TrimCr(head[..newline]);
                    _start += newline + 1;
                    if (name.Length == 0 && EndEvent() is { } ended)
                    {
                        return ended;
                    }

                    // A field name without a value ("data" alone) is nothing Salt sends: ignored.
                    continue;
                }

                if (colon >= 0)
                {
                    StartField(head[..colon]);
                    _start += colon + 1;
                    continue;
                }

                if (head.Length > MaxFieldNameBytes)
                {
                    // No colon where a field name would end: a field we do not read, skipped to its end.
                    _field = Field.Ignored;
                    continue;
                }

                // Too few bytes to tell the field: keep them and read on.
                if (!await FillAfterKeepingAsync(cancellationToken))
                {
                    return null;
                }

                continue;
            }

            if (_skipSpace)
            {
                _skipSpace = false;
                if (_buffer[_start] == (byte)' ')
                {
                    _start++;
                    continue;
                }
            }

            var rest = _buffer.AsSpan(_start, _end - _start);
            var end = rest.IndexOf((byte)'\n');
            var piece = end >= 0 ? rest[..end] : rest;
            Append(piece);
            _start += end >= 0 ? end + 1 : piece.Length;
            if (end >= 0)
            {
                EndLine();
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_data is { } data)
        {
            _data = null;
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line is [.. var body, (byte)'\r'] ? body : line;

    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            return false;
        }

        _end += read;
        BytesRead += read;
        return true;
    }

    private ValueTask<bool> FillAfterKeepingAsync(CancellationToken cancellationToken)
    {
        var kept = _end - _start;
        _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        _start = 0;
        _end = kept;
        return FillAsync(cancellationToken);
    }

    private void StartField(ReadOnlySpan<byte> name)
    {
        _skipSpace = true;
        if (name.SequenceEqual("tag"u8))
        {
            _field = Field.Tag;
            _tagLength = 0;
            _tagTooLong = false;
        }
        else if (name.SequenceEqual("data"u8))
        {
            _field = Field.Data;
            if (!_hasTag)
            {
                _dataBeforeTag = true;
            }
            else if (_wanted && _hasData)
            {
                // Several data lines make one value, joined by a newline.
                AppendData("\n"u8);
            }

            _hasData = true;
            _lineStart = _dataLength;
        }
        else if (name.SequenceEqual("retry"u8))
        {
            _field = Field.Retry;
            _retryLength = 0;
        }
        else
        {
            // Comments (": …"), "id", "event" and anything else: nothing salt-api's stream needs.
            _field = Field.Ignored;
        }
    }

    private void Append(ReadOnlySpan<byte> piece)
    {
        switch (_field)
        {
            case Field.Tag:
                if (_tagLength + piece.Length > _tag.Length)
                {
                    _tagTooLong = true;
                    break;
                }

                piece.CopyTo(_tag.AsSpan(_tagLength));
                _tagLength += piece.Length;
                break;
            case Field.Data when _wanted && _hasTag:
                AppendData(piece);
                break;
            case Field.Retry when _retryLength + piece.Length <= _retry.Length:
                piece.CopyTo(_retry.AsSpan(_retryLength));
                _retryLength += piece.Length;
                break;
        }
    }

    private void AppendData(ReadOnlySpan<byte> piece)
    {
        if (_oversized)
        {
            return;
        }

        var needed = _dataLength + piece.Length;
        if (needed > maxDataBytes)
        {
            // Past the bound: drop what was kept and skip the rest; the waiter asks salt-api instead.
            _oversized = true;
            _dataLength = 0;
            return;
        }

        if (_data is null || needed > _data.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Min(maxDataBytes, Math.Max(needed, Math.Max(4096, (_data?.Length ?? 0) * 2))));
            if (_data is { } old)
            {
                old.AsSpan(0, _dataLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(old);
            }

            _data = grown;
            NoteBuffered();
        }

        piece.CopyTo(_data.AsSpan(_dataLength));
        _dataLength = needed;
    }

    private void EndLine()
    {
        switch (_field)
        {
            case Field.Tag:
                if (_tagLength > 0 && _tag[_tagLength - 1] == (byte)'\r')
                {
                    _tagLength--;
                }

                _hasTag = true;
                // Judged here, before any of the event's data is read.
                _wanted = !_tagTooLong && filter.Wants(_tag.AsSpan(0, _tagLength));
                break;
            case Field.Data when _wanted && !_oversized && _dataLength > _lineStart && _data![_dataLength - 1] == (byte)'\r':
                _dataLength--;
                break;
            case Field.Retry:
                var digits = TrimCr(_retry.AsSpan(0, _retryLength));
                if (digits.Length is > 0 and < 10 && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
                {
                    var value = 0;
                    foreach (var digit in digits)
                    {
                        value = (value * 10) + (digit - '0');
                    }

                    RetryMilliseconds = value;
                }

                break;
        }

        _field = Field.None;
    }

    private SseEvent? EndEvent()
    {
        SseEvent? ended = null;
        if (_hasTag || _hasData)
        {
            Interlocked.Increment(ref _eventsSeen);
            if (_hasTag && _wanted)
            {
                var oversized = _oversized || _dataBeforeTag;
                ended = new SseEvent(
                    Encoding.UTF8.GetString(_tag, 0, _tagLength),
                    oversized || _data is null ? ReadOnlyMemory<byte>.Empty : _data.AsMemory(0, _dataLength),
                    oversized);
            }
        }

        _hasTag = _wanted = _hasData = _dataBeforeTag = _oversized = false;
        _tagLength = 0;
        // The data stays readable through the returned event until the next read.
        if (ended is null)
        {
            _dataLength = 0;
        }

        return ended;
    }

    private void ReleaseBigData()
    {
        _dataLength = 0;
        if (_data is { Length: > KeptDataBytes } big)
        {
            _data = null;
            ArrayPool<byte>.Shared.Return(big);
        }
    }

    private void NoteBuffered() => MaxBufferedBytes = Math.Max(MaxBufferedBytes, BufferedBytes);
}
