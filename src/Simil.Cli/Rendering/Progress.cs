using Spectre.Console;

namespace Simil.Cli.Rendering;

/// <summary>
/// A progress bar with a rate (items per second) on a terminal; on redirected output the work
/// runs with nothing extra printed.
/// </summary>
static class Progress
{
    public static T Run<T>(string description, int total, string unit, Func<IProgress<int>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !console.Profile.Capabilities.Interactive)
            return work(new Progress<int>(_ => { }));
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(unit), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(description, maxValue: total);
                result = work(new SynchronousProgress(n => task.Increment(n)));
            });
        return result;
    }

    /// <summary>Reports on the caller's thread: the work's threads update the bar directly (Spectre's tasks are thread-safe).</summary>
    sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    /// <summary>Items per second, from the task's own speed estimate.</summary>
    sealed class RateColumn(string unit) : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed:N0} {unit}/s" : $"– {unit}/s");
    }
}
