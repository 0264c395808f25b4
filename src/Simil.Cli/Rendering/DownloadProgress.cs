using Simil.Embeddings.Hub;
using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>
/// A model named by its hub repository, fetched before the command runs: one progress bar per file
/// (size, speed, time left) on a terminal; on redirected output the download runs silently.
/// </summary>
static class DownloadProgress
{
    public static void Fetch(string name, CancellationToken token = default)
    {
        var settings = HubSettings.FromEnvironment();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive)
        {
            HubModels.Fetch(name, settings, null, token);
            return;
        }
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                HubModels.Fetch(name, settings, new Reporter(p =>
                {
                    if (!tasks.TryGetValue(p.File, out var task))
                        tasks[p.File] = task = context.AddTask(p.File, maxValue: Math.Max(p.Total, 1));
                    task.Value = p.Total < 0 ? 0 : p.Done;
                }), token);
            });
    }

    sealed class Reporter(Action<HubFileProgress> report) : IProgress<HubFileProgress>
    {
        public void Report(HubFileProgress value) => report(value);
    }
}
