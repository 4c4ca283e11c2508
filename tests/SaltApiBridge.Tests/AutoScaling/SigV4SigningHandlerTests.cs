using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class SigV4SigningHandlerTests
{
    [Theory]
    [InlineData("get-vanilla")]
    [InlineData("post-vanilla")]
    public async Task SendAsync_PublishedVector_SendsExactlyTheVectorsAuthorization(string name)
    {
        var vector = SigV4TestSuite.Get(name);
        var (invoker, sent) = Pipeline(SigV4SignerTests.SuiteCredentials(), new FakeTimeProvider(vector.Request.Date));

        using var request = new HttpRequestMessage(new HttpMethod(vector.Request.Method), $"https://{vector.Request.Host}{vector.Request.Target}");
        (await invoker.SendAsync(request, TestContext.Current.CancellationToken)).Dispose();

        var headers = sent.Should().ContainSingle().Subject;
        headers.Should().Contain(KeyValuePair.Create("Authorization", vector.Authorization))
            .And.Contain(KeyValuePair.Create("X-Amz-Date", vector.Request.Header("X-Amz-Date")!));
    }

    [Fact]
    public async Task SendAsync_SameMessageSentTwice_ReplacesTheSignatureWithAFreshOne()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 15, 10, 15, 0, TimeSpan.Zero));
        var (invoker, sent) = Pipeline(new ImmutableCredentials("ASIATEST", "secret", "session"), time);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://autoscaling.eu-west-1.amazonaws.com/")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("Action", "RecordLifecycleActionHeartbeat")]),
        };

        (await invoker.SendAsync(request, TestContext.Current.CancellationToken)).Dispose();
        time.Advance(TimeSpan.FromSeconds(3));
        (await invoker.SendAsync(request, TestContext.Current.CancellationToken)).Dispose();

        sent.Should().HaveCount(2);
        var retry = sent[1];
        retry.Where(h => h.Key is "Authorization" or "X-Amz-Date" or "X-Amz-Security-Token").Should().HaveCount(3, "no header is doubled");
        retry.Should().Contain(KeyValuePair.Create("X-Amz-Date", "20240315T101503Z"))
            .And.Contain(KeyValuePair.Create("X-Amz-Security-Token", "session"));
        retry.Single(h => h.Key == "Authorization").Value.Should().NotBe(sent[0].Single(h => h.Key == "Authorization").Value);
    }

    private static (HttpMessageInvoker Invoker, List<List<KeyValuePair<string, string>>> Sent) Pipeline(
        ImmutableCredentials credentials, TimeProvider time)
    {
        var sent = new List<List<KeyValuePair<string, string>>>();
        var handler = new SigV4SigningHandler(
            new StaticCredentialsSource(credentials), SigV4TestSuite.Region, SigV4TestSuite.Service, time)
        {
            InnerHandler = new CapturingHandler(sent),
        };
        return (new HttpMessageInvoker(handler), sent);
    }

    private sealed class CapturingHandler(List<List<KeyValuePair<string, string>>> sent) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add([.. request.Headers.SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))]);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
