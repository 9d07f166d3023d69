Console.WriteLine("sgraf");
