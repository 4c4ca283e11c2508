using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

/// <summary>
/// A further master's salt-api over https with <c>CaCertificateFile</c>: a certificate issued by that private CA (which
/// publishes no CRL) verifies; one of another CA, or for another host name, does not.
/// </summary>
public sealed class SaltApiTlsTests : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("saltapibridge-tls-").FullName;
    private WebApplication? server;
    private int port;

    private string CaFile => Path.Combine(directory, "ca.pem");

    private string OtherCaFile => Path.Combine(directory, "other-ca.pem");

    public async ValueTask InitializeAsync()
    {
        using var ca = Authority("SaltApiBridge test CA");
        using var other = Authority("Someone else's CA");
        await File.WriteAllTextAsync(CaFile, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(OtherCaFile, other.ExportCertificatePem());
        var leaf = Leaf(ca, "localhost");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(leaf)));
        server = builder.Build();
        server.Run(context => context.Response.WriteAsync("ok", context.RequestAborted));
        await server.StartAsync(TestContext.Current.CancellationToken);
        port = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task TrustedAuthorities_CertificateOfThePrivateCa_Verifies()
    {
        using var http = Client(CaFile);

        var body = await http.GetStringAsync(new Uri($"https://localhost:{port}/"), TestContext.Current.CancellationToken);

        body.Should().Be("ok");
    }

    [Fact]
    public async Task TrustedAuthorities_CertificateOfAnotherCa_IsRefused()
    {
        using var http = Client(OtherCaFile);

        var refused = await Record.ExceptionAsync(() => http.GetStringAsync(new Uri($"https://localhost:{port}/"), TestContext.Current.CancellationToken));

        refused.Should().BeOfType<HttpRequestException>().Which.InnerException.Should().BeOfType<AuthenticationException>();
    }

    [Fact]
    public async Task TrustedAuthorities_HostTheCertificateDoesNotName_IsRefused()
    {
        using var http = Client(CaFile);

        var refused = await Record.ExceptionAsync(() => http.GetStringAsync(new Uri($"https://127.0.0.1:{port}/"), TestContext.Current.CancellationToken));

        refused.Should().BeOfType<HttpRequestException>().Which.InnerException.Should().BeOfType<AuthenticationException>();
    }

    [Fact]
    public async Task Validate_CaFileWithoutACertificate_IsAProblem()
    {
        var empty = Path.Combine(directory, "empty.pem");
        await File.WriteAllTextAsync(empty, "not a certificate\n", TestContext.Current.CancellationToken);
        var options = new SaltApiOptions { Username = "saltapi", Password = "pw", CaCertificateFile = empty };

        new SaltApiOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Contain("SaltApi:CaCertificateFile").And.Contain("holds no PEM certificate");
    }

    private static HttpClient Client(string caFile) =>
        new(new SocketsHttpHandler { SslOptions = SaltApiServiceCollectionExtensions.TrustedAuthorities(caFile), UseProxy = false });

    private static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A server certificate for <paramref name="host"/>, issued by <paramref name="ca"/> (no CRL or OCSP address, as a private CA's often are).</summary>
    private static X509Certificate2 Leaf(X509Certificate2 ca, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
