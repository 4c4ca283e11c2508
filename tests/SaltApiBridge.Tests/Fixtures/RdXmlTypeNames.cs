using System.Xml.Linq;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// Type names between the two spellings a Native AOT runtime directives file (rd.xml) and <see cref="Type.ToString"/>
/// use: <c>A`1[[B,asm],[C`1[[D,asm]],asm]]</c> and <c>A`1[B,C`1[D]]</c>.
/// </summary>
internal static class RdXmlTypeNames
{
    /// <summary>Each type a directives file names, as <see cref="Type.ToString"/> writes it.</summary>
    public static IReadOnlySet<string> Read(string path) =>
        XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "Type")
            .Select(e => Display((string)e.Attribute("Name")!))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The line a directives file needs for <paramref name="display"/>, under the assembly of its generic definition.</summary>
    public static (string Assembly, string Line) Directive(string display)
    {
        var type = Parse(display, 0, out _);
        return (AssemblyOf(type.Name), $"<Type Name=\"{Qualified(type)}\" Dynamic=\"Required All\" />");
    }

    /// <summary>Whether every type <paramref name="display"/> is made of is defined by a loaded assembly.</summary>
    public static bool Exists(string display)
    {
        static bool Defined(Node type) => AssemblyOrNull(type.Name) is not null && type.Arguments.All(Defined);
        return Defined(Parse(display, 0, out _));
    }

    private static string Display(string rdName)
    {
        var type = ParseQualified(rdName, 0, out _);
        return Write(type);
    }

    private static string Write(Node type) =>
        type.Arguments.Count == 0 ? type.Name : $"{type.Name}[{string.Join(",", type.Arguments.Select(Write))}]";

    private static string Qualified(Node type) =>
        type.Arguments.Count == 0 ? type.Name
            : $"{type.Name}[{string.Join(",", type.Arguments.Select(a => $"[{Qualified(a)},{AssemblyOf(a.Name)}]"))}]";

    private static string AssemblyOf(string typeName) =>
        AssemblyOrNull(typeName) ?? throw new InvalidOperationException($"no loaded assembly defines {typeName}");

    // The type's own assembly, not a facade that forwards it.
    private static string? AssemblyOrNull(string typeName) =>
        AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null)?.Assembly.GetName().Name;

    /// <summary><c>A`1[B,C`1[D]]</c>.</summary>
    private static Node Parse(string text, int start, out int end)
    {
        var i = NameEnd(text, start);
        var name = text[start..i];
        var arguments = new List<Node>();
        if (i < text.Length && text[i] == '[')
        {
            do
                arguments.Add(Parse(text, i + 1, out i));
            while (text[i] == ',');
            i++; // ]
        }

        end = i;
        return new Node(name, arguments);
    }

    /// <summary><c>A`1[[B,asm],[C`1[[D,asm]],asm]]</c>.</summary>
    private static Node ParseQualified(string text, int start, out int end)
    {
        var i = NameEnd(text, start);
        var name = text[start..i];
        var arguments = new List<Node>();
        if (i < text.Length && text[i] == '[')
        {
            do
            {
                arguments.Add(ParseQualified(text, i + 2, out i)); // past "[[" or ",["
                i = text.IndexOf(']', i) + 1; // past ",asm]"
            }
            while (text[i] == ',');
            i++; // ]
        }

        end = i;
        return new Node(name, arguments);
    }

    private static int NameEnd(string text, int start)
    {
        var i = start;
        while (i < text.Length && text[i] is not ('[' or ']' or ','))
            i++;
        return i;
    }

    private sealed record Node(string Name, IReadOnlyList<Node> Arguments);
}
