using Sgraf.Api.Observability;

namespace Sgraf.Api.Tests.Observability;

public sealed class PrometheusExpositionTests
{
    [Fact]
    public void A_counter_is_written_with_its_help_and_type_lines_before_its_samples()
    {
        var registry = new MetricRegistry();
        var counter = registry.CreateCounter("jobs_total", "Jobs done.", "queue");
        counter.WithLabels("fast").Inc();
        counter.WithLabels("fast").Inc(2.5);

        Assert.Equal(
            "# HELP jobs_total Jobs done.\n" +
            "# TYPE jobs_total counter\n" +
            "jobs_total{queue=\"fast\"} 3.5\n",
            registry.Render());
    }

    [Fact]
    public void Label_values_escape_backslash_double_quote_and_newline()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("odd_total", "Odd labels.", "value").WithLabels("a\\b\"c\nd").Inc();

        Assert.Contains("odd_total{value=\"a\\\\b\\\"c\\nd\"} 1\n", registry.Render());
    }

    [Fact]
    public void Help_text_escapes_backslash_and_newline_but_not_double_quote()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("temperature", "Path C:\\tmp\nsays \"hot\".").WithLabels().Set(1);

        Assert.StartsWith("# HELP temperature Path C:\\\\tmp\\nsays \"hot\".\n", registry.Render());
    }

    [Fact]
    public void Metrics_are_sorted_by_name_and_series_by_label_values_whatever_the_order_they_were_created_in()
    {
        var registry = new MetricRegistry();
        var zebra = registry.CreateCounter("zebra_total", "Z.", "colour");
        var apple = registry.CreateGauge("apple", "A.", "kind", "size");
        zebra.WithLabels("white").Inc();
        zebra.WithLabels("black").Inc();
        apple.WithLabels("red", "small").Set(2);
        apple.WithLabels("green", "large").Set(-1);
        apple.WithLabels("green", "big").Set(0.25);

        Assert.Equal(
            [
                "# HELP apple A.",
                "# TYPE apple gauge",
                "apple{kind=\"green\",size=\"big\"} 0.25",
                "apple{kind=\"green\",size=\"large\"} -1",
                "apple{kind=\"red\",size=\"small\"} 2",
                "# HELP zebra_total Z.",
                "# TYPE zebra_total counter",
                "zebra_total{colour=\"black\"} 1",
                "zebra_total{colour=\"white\"} 1",
            ],
            Exposition.Lines(registry.Render()));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_inclusive_and_end_with_an_inf_bucket_equal_to_the_count()
    {
        var registry = new MetricRegistry();
        var latency = registry.CreateHistogram("latency_seconds", "Latency.", [0.25, 1], "route");
        var series = latency.WithLabels("/a");
        series.Observe(0.125);
        series.Observe(0.25);
        series.Observe(0.5);
        series.Observe(TimeSpan.FromSeconds(3));

        Assert.Equal(
            "# HELP latency_seconds Latency.\n" +
            "# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{route=\"/a\",le=\"0.25\"} 2\n" +
            "latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n" +
            "latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n" +
            "latency_seconds_sum{route=\"/a\"} 3.875\n" +
            "latency_seconds_count{route=\"/a\"} 4\n",
            registry.Render());
    }

    [Fact]
    public void A_metric_without_labels_is_written_without_braces()
    {
        var registry = new MetricRegistry();
        registry.CreateHistogram("size", "Size.", [1]).WithLabels().Observe(2);

        Assert.Contains("size_bucket{le=\"1\"} 0\n", registry.Render());
        Assert.Contains("size_sum 2\n", registry.Render());
    }

    [Fact]
    public void A_metric_with_no_series_yet_is_left_out()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("unused_total", "Never incremented.", "label");
        registry.CreateCounter("used_total", "Incremented.", "label").WithLabels("x").Inc();

        Assert.DoesNotContain("unused_total", registry.Render());
        Assert.Contains("used_total{label=\"x\"} 1", registry.Render());
    }

    [Fact]
    public void An_observed_gauge_is_read_at_each_scrape()
    {
        var registry = new MetricRegistry();
        var items = 3;
        registry.CreateGauge("items", "Items.", "kind").ObserveAtScrape(gauge => gauge.WithLabels("image").Set(items));

        Assert.Equal(3, Exposition.Sample(registry.Render(), "items{kind=\"image\"}"));
        items = 7;
        Assert.Equal(7, Exposition.Sample(registry.Render(), "items{kind=\"image\"}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1st_metric")]
    [InlineData("has-dash")]
    [InlineData("has space")]
    [InlineData("ünicode")]
    public void Invalid_metric_names_are_refused(string name)
    {
        var registry = new MetricRegistry();
        Assert.Throws<ArgumentException>(() => registry.CreateCounter(name, "Help."));
    }

    [Theory]
    [InlineData("_private")]
    [InlineData("ns:subsystem:name")]
    [InlineData("Mixed_Case9")]
    public void Names_matching_the_prometheus_pattern_are_accepted(string name)
    {
        var registry = new MetricRegistry();
        registry.CreateCounter(name, "Help.").WithLabels().Inc();
        Assert.Contains($"{name} 1\n", registry.Render());
    }

    [Theory]
    [InlineData("__reserved")]
    [InlineData("with:colon")]
    [InlineData("9lives")]
    public void Invalid_label_names_are_refused(string labelName)
    {
        var registry = new MetricRegistry();
        Assert.Throws<ArgumentException>(() => registry.CreateCounter("metric_total", "Help.", labelName));
    }

    [Fact]
    public void A_histogram_may_not_have_a_label_named_le()
    {
        var registry = new MetricRegistry();
        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("h", "Help.", [1], "le"));
    }

    [Fact]
    public void Histogram_bounds_must_increase_strictly()
    {
        var registry = new MetricRegistry();
        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("h", "Help.", [1, 1]));
        Assert.Throws<ArgumentException>(() => registry.CreateHistogram("g", "Help.", [2, 1]));
    }

    [Fact]
    public void A_second_metric_with_the_same_name_is_refused()
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("twice_total", "Once.");
        Assert.Throws<InvalidOperationException>(() => registry.CreateGauge("twice_total", "Twice."));
    }

    [Fact]
    public void Label_values_must_match_the_label_names_in_number()
    {
        var counter = new MetricRegistry().CreateCounter("pairs_total", "Pairs.", "a", "b");
        Assert.Throws<ArgumentException>(() => counter.WithLabels("only-one"));
    }

    [Fact]
    public void A_counter_cannot_go_down()
    {
        var series = new MetricRegistry().CreateCounter("up_total", "Up.").WithLabels();
        Assert.Throws<ArgumentOutOfRangeException>(() => series.Inc(-1));
        Assert.Equal(0, series.Value);
    }
}
