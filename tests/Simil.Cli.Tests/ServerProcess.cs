using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Simil.Cli.Tests;

/// <summary>A running server and a client for it; disposing stops it with SIGTERM and checks that it exits 0.</summary>
sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;
    public HttpClient Client { get; }

    ServerProcess(Process process, HttpClient client) => (_process, Client) = (process, client);

    public static async Task<ServerProcess> Start(params string[] args)
    {
        int port = FreePort();
        var process = SimilProcess.Start(["serve", .. args, "--port", $"{port}"]);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"simil serve exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
            try
            {
                if ((await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                    return new ServerProcess(process, client);
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Sends SIGTERM now (disposing still waits for the exit and checks it is 0).</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", $"{_process.Id}"])!.WaitForExit();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
            Process.Start("kill", ["-TERM", $"{_process.Id}"])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, _process.ExitCode);
        _process.Dispose();
    }
}
