import { render } from 'preact';
import { App } from './App';
import { startRouter } from './router';
import './styles.css';

startRouter();
render(<App />, document.getElementById('app')!);
