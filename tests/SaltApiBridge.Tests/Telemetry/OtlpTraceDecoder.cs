using System.Buffers.Binary;
using System.Text;

namespace SaltApiBridge.Tests.Telemetry;

/// <summary>
/// Reads an OTLP/HTTP <c>ExportTraceServiceRequest</c> (protobuf, opentelemetry-proto's trace/v1 and common/v1) as far
/// as the tests look: resource attributes, scope name, and each span's ids, name, kind, attributes and status. No
/// protobuf package is served here, so the wire format is read by hand: varints, fixed 32/64, length-delimited fields.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static IReadOnlyList<ReceivedSpan> Decode(byte[] request)
    {
        var spans = new List<ReceivedSpan>();
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field.Number != 1)
                continue;
            var resource = new Dictionary<string, object?>(StringComparer.Ordinal);
            var scopeSpans = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans.Bytes!))
            {
                if (f.Number == 1)
                    ReadAttributes(value.Bytes!, 1, resource);
                else if (f.Number == 2)
                    scopeSpans.Add(value.Bytes!);
            }

            foreach (var scopeSpan in scopeSpans)
            {
                var scope = "";
                foreach (var (f, value) in Fields(scopeSpan))
                {
                    if (f.Number == 1)
                        scope = Fields(value.Bytes!).Where(s => s.Field.Number == 1).Select(s => Text(s.Value)).FirstOrDefault() ?? "";
                    else if (f.Number == 2)
                        spans.Add(ReadSpan(value.Bytes!, scope, resource));
                }
            }
        }

        return spans;
    }

    private static ReceivedSpan ReadSpan(byte[] span, string scope, IReadOnlyDictionary<string, object?> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        int kind = 0, statusCode = 0;
        ulong start = 0;
        string? statusMessage = null;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (f, value) in Fields(span))
        {
            switch (f.Number)
            {
                case 1: traceId = Convert.ToHexStringLower(value.Bytes!); break;
                case 2: spanId = Convert.ToHexStringLower(value.Bytes!); break;
                case 4: parent = Convert.ToHexStringLower(value.Bytes!); break;
                case 5: name = Text(value); break;
                case 6: kind = (int)value.Number; break;
                case 7: start = value.Number; break;
                case 9: ReadAttribute(value.Bytes!, attributes); break;
                case 15:
                    foreach (var (s, statusValue) in Fields(value.Bytes!))
                    {
                        if (s.Number == 2)
                            statusMessage = Text(statusValue);
                        else if (s.Number == 3)
                            statusCode = (int)statusValue.Number;
                    }

                    break;
            }
        }

        return new ReceivedSpan(traceId, spanId, parent, name, kind, start, attributes, statusCode, statusMessage, scope, resource);
    }

    private static void ReadAttributes(byte[] message, int field, Dictionary<string, object?> into)
    {
        foreach (var (f, value) in Fields(message))
        {
            if (f.Number == field)
                ReadAttribute(value.Bytes!, into);
        }
    }

    /// <summary>A KeyValue: key (1) and AnyValue (2: string 1, bool 2, int 3, double 4; arrays and maps are left out).</summary>
    private static void ReadAttribute(byte[] keyValue, Dictionary<string, object?> into)
    {
        string? key = null;
        object? read = null;
        foreach (var (f, value) in Fields(keyValue))
        {
            if (f.Number == 1)
            {
                key = Text(value);
            }
            else if (f.Number == 2)
            {
                foreach (var (a, any) in Fields(value.Bytes!))
                {
                    read = a.Number switch
                    {
                        1 => Text(any),
                        2 => any.Number != 0,
                        3 => (long)any.Number,
                        4 => BitConverter.Int64BitsToDouble((long)any.Number),
                        _ => read,
                    };
                }
            }
        }

        if (key is not null)
            into[key] = read;
    }

    private static string Text(Value value) => Encoding.UTF8.GetString(value.Bytes!);

    private readonly record struct Field(int Number, int WireType);

    /// <summary>A field's value: a number (varint, fixed32, fixed64) or bytes (length-delimited).</summary>
    private readonly record struct Value(ulong Number, byte[]? Bytes);

    private static IEnumerable<(Field Field, Value Value)> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = Varint(message, ref position);
            var field = new Field((int)(tag >> 3), (int)(tag & 7));
            switch (field.WireType)
            {
                case 0:
                    yield return (field, new Value(Varint(message, ref position), null));
                    break;
                case 1:
                    yield return (field, new Value(BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(position, 8)), null));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    yield return (field, new Value(0, message.AsSpan(position, length).ToArray()));
                    position += length;
                    break;
                case 5:
                    yield return (field, new Value(BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(position, 4)), null));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {field.WireType} (field {field.Number}) is not one OTLP uses");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
    }
}
