module example.com/bresbench

go 1.19
