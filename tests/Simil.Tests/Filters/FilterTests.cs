using Simil.Filters;

namespace Simil.Tests.Filters;

/// <summary>The one filter model: MongoDB/Chroma-style JSON and the builders mean the same, on every kind of field; bad filters are one setting error.</summary>
public sealed class FilterTests
{
    const string Pt2019 = """{"lang":"pt","year":2019,"date":"2019-05-01","tags":["news","rain"],"meta":{"src":"wiki"},"score":0.5,"draft":false,"nothing":null}""";
    const string En2021 = """{"lang":"en","year":2021,"date":"2021-01-15T10:00:00Z","tags":["sport"],"score":1.5}""";
    const string Bare = "{}";

    [Theory]
    [InlineData("""{"lang":"pt"}""", true, false, false)]
    [InlineData("""{"lang":{"$eq":"en"}}""", false, true, false)]
    [InlineData("""{"lang":{"$ne":"pt"}}""", false, true, true)]
    [InlineData("""{"year":{"$gte":2015,"$lt":2020}}""", true, false, false)]
    [InlineData("""{"year":{"$gt":2019}}""", false, true, false)]
    [InlineData("""{"score":{"$lte":0.5}}""", true, false, false)]
    [InlineData("""{"date":{"$gte":"2020-01-01"}}""", false, true, false)]
    [InlineData("""{"date":{"$lt":"2019-05-01T00:00:01Z"}}""", true, false, false)]
    [InlineData("""{"lang":{"$in":["pt","es"]}}""", true, false, false)]
    [InlineData("""{"lang":{"$nin":["pt","es"]}}""", false, true, true)]
    [InlineData("""{"tags":"rain"}""", true, false, false)]
    [InlineData("""{"tags":{"$in":["sport","x"]}}""", false, true, false)]
    [InlineData("""{"meta.src":"wiki"}""", true, false, false)]
    [InlineData("""{"draft":false}""", true, false, false)]
    [InlineData("""{"nothing":null}""", true, false, false)]
    [InlineData("""{"score":{"$exists":true}}""", true, true, false)]
    [InlineData("""{"score":{"$exists":false}}""", false, false, true)]
    [InlineData("""{"lang":"pt","year":2021}""", false, false, false)]
    [InlineData("""{"$or":[{"lang":"pt"},{"year":{"$gte":2021}}]}""", true, true, false)]
    [InlineData("""{"$and":[{"lang":"en"},{"year":2021}]}""", false, true, false)]
    [InlineData("""{"$not":{"lang":"pt"}}""", false, true, true)]
    [InlineData("""{"year":"2019"}""", false, false, false)]
    [InlineData("""{"lang":{"$gt":3}}""", false, false, false)]
    [InlineData("""{"tags":["news","rain"]}""", true, false, false)]
    [InlineData("""{"tags":["rain","news"]}""", false, false, false)]
    [InlineData("""{"tags":{"$ne":["sport"]}}""", true, false, true)]
    [InlineData("""{"lang":["pt"]}""", false, false, false)]
    public void Json_filters_match_as_documented(string json, bool pt, bool en, bool bare)
    {
        var filter = Filter.Parse(json);
        Assert.Equal((pt, en, bare), (filter.Matches(Pt2019), filter.Matches(En2021), filter.Matches(Bare)));
        Assert.Equal(bare, filter.Matches((string?)null));
    }

    [Fact]
    public void Builders_mean_what_the_json_means()
    {
        var built = Filter.And(Filter.Eq("lang", "pt"), Filter.Range("year", greaterOrEqual: 2015, less: 2020), Filter.Exists("tags"));
        var parsed = Filter.Parse("""{"lang":"pt","year":{"$gte":2015,"$lt":2020},"tags":{"$exists":true}}""");
        foreach (var row in new[] { Pt2019, En2021, Bare })
            Assert.Equal(parsed.Matches(row), built.Matches(row));
        Assert.True(Filter.Range("date", greater: new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)).Matches(En2021));
        Assert.True(Filter.In("year", 2019, 2020).Matches(Pt2019));
        Assert.True(Filter.NotIn("year", 2019, 2020).Matches(En2021));
        Assert.True(Filter.Or(Filter.Ne("lang", "pt"), Filter.Eq("draft", true)).Matches(En2021));
        Assert.False(Filter.Not(Filter.Eq("lang", "en")).Matches(En2021));
    }

    /// <summary>Integers past 2^53 (64-bit keys) compare exactly, not as the doubles they round to.</summary>
    [Fact]
    public void Large_integers_compare_exactly()
    {
        const string row = """{"id":18446744073709551615,"small":9007199254740993}""";
        Assert.True(Filter.Range("id", greater: ulong.MaxValue - 1).Matches(row));
        Assert.False(Filter.Eq("id", ulong.MaxValue - 1).Matches(row));
        Assert.True(Filter.Eq("id", ulong.MaxValue).Matches(row));
        Assert.False(Filter.Eq("small", 9007199254740992L).Matches(row));
        Assert.True(Filter.Parse("""{"small":{"$gt":9007199254740992}}""").Matches(row));
        Assert.True(Filter.Range("small", lessOrEqual: 1e16).Matches(row));
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"year":{"$gte":"soon"}}""", "compares numbers or ISO-8601 dates")]
    [InlineData("""{"year":{"$between":[1,2]}}""", "'$between' is not an operator")]
    [InlineData("""{"$or":{"a":1}}""", "$or takes a non-empty array")]
    [InlineData("""{"$gte":3}""", "'$gte' is not an operator here")]
    [InlineData("""{"lang":{"$in":"pt"}}""", "$in takes an array")]
    [InlineData("""{"lang":{"$exists":1}}""", "$exists takes true or false")]
    [InlineData("""{"lang":{"$eq":{"a":1}}}""", "is not a value to compare with")]
    [InlineData("""{"lang":""", "not valid JSON")]
    public void A_bad_filter_is_one_setting_error(string json, string says)
    {
        var e = Assert.Throws<InvalidSettingException>(() => Filter.Parse(json));
        Assert.Equal(Filter.Setting, e.Setting);
        Assert.Contains(says, e.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
