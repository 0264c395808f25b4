# Writes the any-size benchmark data (bench/results/any-size-*.md): python3 any-size-data.py npy|bin|txt ROWS
# txt: a text matrix of one-digit values (2 bytes a value), the smallest text file past 2^31 values
import numpy as np, sys
rng=np.random.default_rng(7)
# clustered rows (1,000 Gaussian centres, lengths in [0.5, 2]) so HNSW and dot/cosine behave as on real data
C=rng.standard_normal((1000,384)).astype(np.float32)
def block(n):
    c=C[rng.integers(0,1000,n)]
    x=c+0.35*rng.standard_normal((n,384),dtype=np.float32)
    x/=np.linalg.norm(x,axis=1,keepdims=True)
    x*=rng.uniform(0.5,2,(n,1)).astype(np.float32)
    return x.astype(np.float32)
kind,n=sys.argv[1],int(sys.argv[2])
if kind=='npy':
    m=np.lib.format.open_memmap(f'c{n}.npy',mode='w+',dtype=np.float32,shape=(n,384))
    for s in range(0,n,250_000):
        e=min(n,s+250_000); m[s:e]=block(e-s)
    m.flush()
elif kind=='txt':
    with open(f'c{n}.txt','wb') as f:
        for s in range(0,n,100_000):
            e=min(n,s+100_000)
            x=np.full((e-s,768),ord(' '),dtype=np.uint8)
            x[:,0::2]=rng.integers(ord('0'),ord('9')+1,(e-s,384),dtype=np.uint8)
            x[:,767]=ord('\n')
            f.write(x.tobytes())
else:
    with open(f'c{n}.bin','wb') as f:
        f.write(f'{n} 384\n'.encode())
        for s in range(0,n,100_000):
            e=min(n,s+100_000); x=block(e-s)
            for i in range(e-s):
                f.write(f'w{s+i} '.encode()); f.write(x[i].tobytes()); f.write(b'\n')
