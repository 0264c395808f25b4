using Simil;

// A user's first lines with the package: exact cosine of two small vectors.
float[] a = [1, 2, 3];
float[] b = [2, 4, 6.5f];
float cosine = Similarity.Cosine(a, b);
Console.WriteLine($"Similarity.Cosine = {cosine:F6}");
double expected = (1 * 2 + 2 * 4 + 3 * 6.5) / (Math.Sqrt(14) * Math.Sqrt(4 + 16 + 42.25));
return Math.Abs(cosine - expected) < 1e-6 ? 0 : 1;
